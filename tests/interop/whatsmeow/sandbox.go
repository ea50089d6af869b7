// Package interop runs unmodified whatsmeow against wazap-sandbox (see run.sh).
package interop

// quick-start:begin (quoted in sandbox/README.md, "Test your whatsmeow bot offline")
import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"

	"go.mau.fi/whatsmeow"
)

// sandboxTransport sends every request whatsmeow makes (the websocket to web.whatsapp.com and
// the media hosts that media_conn names) to the sandbox, in plain HTTP on loopback.
type sandboxTransport struct {
	ws   *url.URL
	base http.RoundTripper
}

func (t sandboxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if req.URL.Host == "web.whatsapp.com" {
		req.URL.Path = t.ws.Path
	}
	req.URL.Scheme = "http"
	req.URL.Host = t.ws.Host
	req.Host = t.ws.Host
	return t.base.RoundTrip(req)
}

// UseSandbox points a whatsmeow client at wazap-sandbox: trust the sandbox's root key instead
// of WhatsApp's, and reach the sandbox (wsURL, from its ready line) wherever whatsmeow would
// reach WhatsApp. Configuration only: whatsmeow's protocol code is unchanged.
func UseSandbox(cli *whatsmeow.Client, wsURL, rootKeyHex string) error {
	key, err := hex.DecodeString(rootKeyHex)
	if err != nil || len(key) != len(whatsmeow.WACertPubKey) {
		return fmt.Errorf("root key must be %d bytes of hex", len(whatsmeow.WACertPubKey))
	}
	ws, err := url.Parse(wsURL)
	if err != nil {
		return fmt.Errorf("bad websocket URL: %w", err)
	}
	copy(whatsmeow.WACertPubKey[:], key)
	client := &http.Client{Transport: sandboxTransport{ws: ws, base: http.DefaultTransport}}
	cli.SetPreLoginHTTPClient(client)
	cli.SetWebsocketHTTPClient(client)
	cli.SetMediaHTTPClient(client)
	return nil
}

// quick-start:end
