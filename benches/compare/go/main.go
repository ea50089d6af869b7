// The work of wazap's benches, done with whatsmeow and libsignal-go (unmodified, from the Go
// module proxy). Prints one JSON line per row: {"row": ..., "per_sec": ..., "mb_s": ...}.
// What each row measures is in ../README.md.
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.mau.fi/libsignal/keys/identity"
	"go.mau.fi/libsignal/keys/prekey"
	"go.mau.fi/libsignal/protocol"
	"go.mau.fi/libsignal/serialize"
	"go.mau.fi/libsignal/session"
	"go.mau.fi/libsignal/state/record"
	"go.mau.fi/libsignal/util/keyhelper"
	"go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/cbcutil"
	"go.mau.fi/whatsmeow/util/hkdfutil"
)

var budget = 2 * time.Second

// measure runs f for the time budget (after a short warm-up) and returns calls per second.
func measure(f func()) float64 {
	warm := time.Now()
	for time.Since(warm) < budget/5 {
		f()
	}
	n := 0
	start := time.Now()
	for {
		f()
		n++
		if n%16 == 0 || n < 16 {
			if el := time.Since(start); el >= budget {
				return float64(n) / el.Seconds()
			}
		}
	}
}

func emit(row string, perSec float64, bytesPerOp int) {
	out := map[string]any{"row": row, "per_sec": perSec}
	if bytesPerOp > 0 {
		out["mb_s"] = perSec * float64(bytesPerOp) / 1e6
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// The stanza of core/benches/codec.rs.
func stanza() binary.Node {
	payload := make([]byte, 60)
	for i := range payload {
		payload[i] = byte(i * 37)
	}
	return binary.Node{
		Tag: "message",
		Attrs: binary.Attrs{
			"id":   "3EB0C767F26C8A9A1E3F",
			"to":   types.NewJID("15551234567", types.DefaultUserServer),
			"type": "text",
		},
		Content: []binary.Node{{
			Tag:     "enc",
			Attrs:   binary.Attrs{"v": "2", "type": "msg"},
			Content: payload,
		}},
	}
}

func codec() {
	node := stanza()
	emit("codec_round_trip", measure(func() {
		data, err := binary.Marshal(node)
		must(err)
		_, err = binary.Unmarshal(data[1:]) // Marshal writes the frame's flags byte first
		must(err)
	}), 0)
}

const mediaLen = 16 << 20

func mediaKeys(mediaKey []byte) (iv, cipherKey, macKey []byte) {
	k := hkdfutil.SHA256(mediaKey, nil, []byte("WhatsApp Video Keys"), 112)
	return k[:16], k[16:48], k[48:80]
}

// whatsmeow's Client.Upload before the HTTP part: plaintext hash, CBC, HMAC, encrypted hash.
func mediaEncrypt(plain, mediaKey []byte) (enc, fileSHA, fileEncSHA []byte) {
	fileSHA256 := sha256.Sum256(plain)
	iv, cipherKey, macKey := mediaKeys(mediaKey)
	ciphertext, err := cbcutil.Encrypt(cipherKey, iv, plain)
	must(err)
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(ciphertext)
	enc = append(ciphertext, h.Sum(nil)[:10]...)
	encSHA := sha256.Sum256(enc)
	return enc, fileSHA256[:], encSHA[:]
}

// whatsmeow's download path after the HTTP part: encrypted hash, HMAC, CBC, plaintext hash.
func mediaDecrypt(enc, mediaKey, fileSHA, fileEncSHA []byte) []byte {
	if sha256.Sum256(enc) != *(*[32]byte)(fileEncSHA) {
		panic("enc sha256")
	}
	iv, cipherKey, macKey := mediaKeys(mediaKey)
	file, mac := enc[:len(enc)-10], enc[len(enc)-10:]
	h := hmac.New(sha256.New, macKey)
	h.Write(iv)
	h.Write(file)
	if !hmac.Equal(h.Sum(nil)[:10], mac) {
		panic("hmac")
	}
	data, err := cbcutil.Decrypt(cipherKey, iv, file)
	must(err)
	if sha256.Sum256(data) != *(*[32]byte)(fileSHA) {
		panic("sha256")
	}
	return data
}

func media() {
	plain := make([]byte, mediaLen)
	for i := range plain {
		plain[i] = byte(i % 251)
	}
	key := bytes.Repeat([]byte{0x5a}, 32)
	enc, fileSHA, fileEncSHA := mediaEncrypt(plain, key)
	emit("media_encrypt", measure(func() { mediaEncrypt(plain, key) }), mediaLen)
	// cbcutil.Decrypt works in place, so each round decrypts a fresh copy (as a download
	// gives one); the copy is counted.
	work := make([]byte, len(enc))
	emit("media_decrypt", measure(func() {
		copy(work, enc)
		if len(mediaDecrypt(work, key, fileSHA, fileEncSHA)) != mediaLen {
			panic("length")
		}
	}), mediaLen)
}

// An in-memory Signal store that keeps the live records, as our MemorySignalStore does.
type memStore struct {
	identity   *identity.KeyPair
	regID      uint32
	sessions   map[string]*record.Session
	identities map[string]*identity.Key
	preKeys    map[uint32]*record.PreKey
	signed     map[uint32]*record.SignedPreKey
	ser        *serialize.Serializer
}

func addr(a *protocol.SignalAddress) string { return a.String() }

func (s *memStore) GetIdentityKeyPair() *identity.KeyPair { return s.identity }
func (s *memStore) GetLocalRegistrationID() uint32        { return s.regID }
func (s *memStore) SaveIdentity(_ context.Context, a *protocol.SignalAddress, k *identity.Key) error {
	s.identities[addr(a)] = k
	return nil
}
func (s *memStore) IsTrustedIdentity(_ context.Context, a *protocol.SignalAddress, k *identity.Key) (bool, error) {
	t := s.identities[addr(a)]
	return t == nil || t.Fingerprint() == k.Fingerprint(), nil
}
func (s *memStore) LoadPreKey(_ context.Context, id uint32) (*record.PreKey, error) {
	return s.preKeys[id], nil
}
func (s *memStore) StorePreKey(_ context.Context, id uint32, r *record.PreKey) error {
	s.preKeys[id] = r
	return nil
}
func (s *memStore) ContainsPreKey(_ context.Context, id uint32) (bool, error) {
	_, ok := s.preKeys[id]
	return ok, nil
}
func (s *memStore) RemovePreKey(_ context.Context, id uint32) error {
	delete(s.preKeys, id)
	return nil
}
func (s *memStore) LoadSession(_ context.Context, a *protocol.SignalAddress) (*record.Session, error) {
	if r, ok := s.sessions[addr(a)]; ok {
		return r, nil
	}
	return record.NewSession(s.ser.Session, s.ser.State), nil
}
func (s *memStore) GetSubDeviceSessions(context.Context, string) ([]uint32, error) { return nil, nil }
func (s *memStore) StoreSession(_ context.Context, a *protocol.SignalAddress, r *record.Session) error {
	s.sessions[addr(a)] = r
	return nil
}
func (s *memStore) ContainsSession(_ context.Context, a *protocol.SignalAddress) (bool, error) {
	_, ok := s.sessions[addr(a)]
	return ok, nil
}
func (s *memStore) DeleteSession(_ context.Context, a *protocol.SignalAddress) error {
	delete(s.sessions, addr(a))
	return nil
}
func (s *memStore) DeleteAllSessions(context.Context) error {
	s.sessions = map[string]*record.Session{}
	return nil
}
func (s *memStore) LoadSignedPreKey(_ context.Context, id uint32) (*record.SignedPreKey, error) {
	return s.signed[id], nil
}
func (s *memStore) LoadSignedPreKeys(context.Context) ([]*record.SignedPreKey, error) {
	var out []*record.SignedPreKey
	for _, r := range s.signed {
		out = append(out, r)
	}
	return out, nil
}
func (s *memStore) StoreSignedPreKey(_ context.Context, id uint32, r *record.SignedPreKey) error {
	s.signed[id] = r
	return nil
}
func (s *memStore) ContainsSignedPreKey(_ context.Context, id uint32) (bool, error) {
	_, ok := s.signed[id]
	return ok, nil
}
func (s *memStore) RemoveSignedPreKey(_ context.Context, id uint32) error {
	delete(s.signed, id)
	return nil
}

type party struct {
	store  *memStore
	addr   *protocol.SignalAddress
	bundle *prekey.Bundle
}

var ser = serialize.NewProtoBufSerializer()
var message = bytes.Repeat([]byte{0x42}, 100)

// A party with an identity and a signed prekey, no one-time prekey (as the wazap bench).
func newParty(name string) *party {
	id, err := keyhelper.GenerateIdentityKeyPair()
	must(err)
	spk, err := keyhelper.GenerateSignedPreKey(id, 1, ser.SignedPreKeyRecord)
	must(err)
	s := &memStore{identity: id, regID: 1, sessions: map[string]*record.Session{},
		identities: map[string]*identity.Key{}, preKeys: map[uint32]*record.PreKey{},
		signed: map[uint32]*record.SignedPreKey{1: spk}, ser: ser}
	b := prekey.NewBundle(1, 1, nil, 1, nil, spk.KeyPair().PublicKey(), spk.Signature(), id.PublicKey())
	return &party{store: s, addr: protocol.NewSignalAddress(name, 1), bundle: b}
}

func builder(s *memStore, to *protocol.SignalAddress) *session.Builder {
	return session.NewBuilder(s, s, s, s, to, ser)
}

func cipher(from, to *party) *session.Cipher {
	return session.NewCipher(builder(from.store, to.addr), to.addr)
}

var ctx = context.Background()

// Encrypts message from `from` to `to` and decrypts it on `to`'s side.
func deliver(from, to *party) {
	m, err := cipher(from, to).Encrypt(ctx, message)
	must(err)
	var plain []byte
	if m.Type() == protocol.PREKEY_TYPE {
		pk, err := protocol.NewPreKeySignalMessageFromBytes(m.Serialize(), ser.PreKeySignalMessage, ser.SignalMessage)
		must(err)
		plain, err = cipher(to, from).DecryptMessage(ctx, pk)
		must(err)
	} else {
		sm, err := protocol.NewSignalMessageFromBytes(m.Serialize(), ser.SignalMessage)
		must(err)
		plain, err = cipher(to, from).Decrypt(ctx, sm)
		must(err)
	}
	if len(plain) != len(message) {
		panic("plaintext")
	}
}

func established() (*party, *party) {
	alice, bob := newParty("alice"), newParty("bob")
	must(builder(alice.store, bob.addr).ProcessBundle(ctx, bob.bundle))
	deliver(alice, bob)
	deliver(bob, alice)
	return alice, bob
}

func signal() {
	alice, bob := established()
	emit("signal_one_way", measure(func() { deliver(alice, bob) }), 0)

	alice, bob = established()
	emit("signal_ping_pong", 2*measure(func() {
		deliver(alice, bob)
		deliver(bob, alice)
	}), 0)

	alice, bob = newParty("alice"), newParty("bob")
	emit("x3dh_first_message", measure(func() {
		must(alice.store.DeleteSession(ctx, bob.addr))
		must(builder(alice.store, bob.addr).ProcessBundle(ctx, bob.bundle))
		m, err := cipher(alice, bob).Encrypt(ctx, message)
		must(err)
		pk, err := protocol.NewPreKeySignalMessageFromBytes(m.Serialize(), ser.PreKeySignalMessage, ser.SignalMessage)
		must(err)
		// Bob decrypts in full; his new session is dropped, so every round starts alike.
		must(bob.store.DeleteSession(ctx, alice.addr))
		plain, err := cipher(bob, alice).DecryptMessage(ctx, pk)
		must(err)
		if len(plain) != len(message) {
			panic("plaintext")
		}
	}), 0)
}

func main() {
	if s := os.Getenv("COMPARE_SECONDS"); s != "" {
		d, err := time.ParseDuration(s + "s")
		must(err)
		budget = d
	}
	_, _ = rand.Read(make([]byte, 1))
	which := "all"
	if len(os.Args) > 1 {
		which = os.Args[1]
	}
	if which == "all" || which == "codec" {
		codec()
	}
	if which == "all" || which == "media" {
		media()
	}
	if which == "all" || which == "signal" {
		signal()
	}
}
