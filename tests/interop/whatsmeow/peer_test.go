package interop

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
)

// peer is a wazap client (tests/e2e/examples/interop_peer.rs) driven over its stdin/stdout:
// its events arrive as JSON lines, calls are JSON lines answered by id.
type peer struct {
	t      *testing.T
	phone  string
	jid    types.JID
	lidJID types.JID
	stdin  io.WriteCloser
	events *recorder[map[string]any]

	mu      sync.Mutex
	nextID  int
	pending map[int]chan peerAnswer
}

type peerAnswer struct {
	OK    json.RawMessage `json:"ok"`
	Error *string         `json:"error"`
}

// startPeer starts a wazap peer for phone's account (pairing it by QR) and waits until it is
// logged in.
func startPeer(t *testing.T, phone string) *peer {
	t.Helper()
	if sandbox.peerBin == "" {
		t.Fatal("WAZAP_PEER is not set (run.sh builds the peer)")
	}
	store := filepath.Join(t.TempDir(), "peer.db")
	cmd := exec.Command(sandbox.peerBin, "--ws", sandbox.wsURL, "--root-key", sandbox.rootKey,
		"--control", sandbox.controlURL, "--phone", phone, "--store", store)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the peer: %v", err)
	}
	p := &peer{t: t, phone: phone, stdin: stdin, events: newRecorder[map[string]any](),
		pending: map[int]chan peerAnswer{}}
	var logMu sync.Mutex
	done := false
	var problems []string
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			logMu.Lock()
			if !done {
				t.Logf("[peer %s] %s", phone, lines.Text())
				if strings.Contains(lines.Text(), "WARN") || strings.Contains(lines.Text(), "ERROR") {
					problems = append(problems, lines.Text())
				}
			}
			logMu.Unlock()
		}
	}()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		lines := bufio.NewScanner(stdout)
		lines.Buffer(make([]byte, 1<<20), 64<<20)
		for lines.Scan() {
			p.onLine(lines.Bytes())
		}
	}()
	t.Cleanup(func() {
		// As for whatsmeow: what the core warned about while the flow ran fails it.
		logMu.Lock()
		done = true
		if len(problems) > 0 {
			t.Errorf("the wazap peer logged %d warnings or errors:\n%s", len(problems), strings.Join(problems, "\n"))
		}
		logMu.Unlock()
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = cmd.Wait()
	})
	p.waitEvent("connected", nil)
	// What the phone sends every new companion has been handled (as in pairByQR).
	for _, kind := range []string{"initial_bootstrap", "push_name"} {
		p.waitEvent("history_sync", func(e map[string]any) bool { return e["sync_type"] == kind })
	}
	var info struct {
		JID string `json:"jid"`
		LID string `json:"lid"`
	}
	p.call("info", map[string]any{}, &info)
	if p.jid, err = types.ParseJID(info.JID); err != nil {
		t.Fatalf("peer jid %q: %v", info.JID, err)
	}
	if p.lidJID, err = types.ParseJID(info.LID); err != nil {
		t.Fatalf("peer lid %q: %v", info.LID, err)
	}
	return p
}

// lid is the peer's LID user (device 0).
func (p *peer) lid() types.JID { return p.lidJID.ToNonAD() }

func (p *peer) onLine(line []byte) {
	var msg struct {
		Event map[string]any `json:"event"`
		ID    *int           `json:"id"`
		peerAnswer
	}
	if err := json.Unmarshal(line, &msg); err != nil {
		p.t.Errorf("peer printed a line that is not JSON: %s", line)
		return
	}
	if msg.Event != nil {
		p.events.add(msg.Event)
		return
	}
	if msg.ID != nil {
		p.mu.Lock()
		ch := p.pending[*msg.ID]
		delete(p.pending, *msg.ID)
		p.mu.Unlock()
		if ch != nil {
			ch <- msg.peerAnswer
		}
	}
}

// call runs one of the peer's calls; an error answer fails the test.
func (p *peer) call(name string, args any, out any) {
	p.t.Helper()
	if err := p.tryCall(name, args, out); err != nil {
		p.t.Fatalf("peer %s: %v", name, err)
	}
}

func (p *peer) tryCall(name string, args any, out any) error {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	ch := make(chan peerAnswer, 1)
	p.pending[id] = ch
	p.mu.Unlock()
	line, err := json.Marshal(map[string]any{"id": id, "call": name, "args": args})
	if err != nil {
		return err
	}
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		return err
	}
	select {
	case answer := <-ch:
		if answer.Error != nil {
			return fmt.Errorf("%s", *answer.Error)
		}
		if out != nil {
			return json.Unmarshal(answer.OK, out)
		}
		return nil
	case <-time.After(wait):
		return fmt.Errorf("no answer within %s", wait)
	}
}

// waitEvent waits for an event of type kind that matches (since the peer started).
func (p *peer) waitEvent(kind string, match func(map[string]any) bool) map[string]any {
	p.t.Helper()
	return p.events.waitFor(p.t, "peer event "+kind, func(e map[string]any) bool {
		return e["type"] == kind && (match == nil || match(e))
	})
}

// waitMessage waits for a message event whose text is text; returns the event.
func (p *peer) waitMessage(text string) map[string]any {
	p.t.Helper()
	return p.waitEvent("message", func(e map[string]any) bool {
		msg, _ := e["message"].(map[string]any)
		return msg["text"] == text
	})
}

func field(e map[string]any, path ...string) any {
	var v any = e
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
