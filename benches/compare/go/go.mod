module wazap.local/compare

go 1.26

require (
	go.mau.fi/libsignal v0.2.1
	go.mau.fi/whatsmeow v0.0.0-20251217143725-11cf47c62d32
)

require (
	filippo.io/edwards25519 v1.1.0 // indirect
	go.mau.fi/util v0.9.4 // indirect
	golang.org/x/crypto v0.46.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
