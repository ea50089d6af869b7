package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// Bound on any single expected step.
const wait = 30 * time.Second

// The sandbox run.sh started: its ready line's fields, and the wazap peer's binary.
var sandbox struct {
	wsURL, controlURL, rootKey, peerBin string
}

func TestMain(m *testing.M) {
	sandbox.wsURL = os.Getenv("WAZAP_WS_URL")
	sandbox.controlURL = os.Getenv("WAZAP_CONTROL_URL")
	sandbox.rootKey = os.Getenv("WAZAP_ROOT_KEY")
	sandbox.peerBin = os.Getenv("WAZAP_PEER")
	if sandbox.wsURL == "" || sandbox.controlURL == "" || sandbox.rootKey == "" {
		fmt.Fprintln(os.Stderr, "WAZAP_WS_URL, WAZAP_CONTROL_URL and WAZAP_ROOT_KEY must be set (run.sh does)")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

var phoneCounter atomic.Int64

// newPhone creates a sandbox account (a phone number with its simulated phone).
func newPhone(t *testing.T, pushName string) string {
	t.Helper()
	phone := fmt.Sprintf("1555%07d", phoneCounter.Add(1)+int64(os.Getpid()%1000)*1000)
	control(t, "POST", "/accounts", map[string]any{"phone": phone, "push_name": pushName}, nil)
	return phone
}

// control calls the sandbox's control API; a non-2xx answer fails the test.
func control(t *testing.T, method, path string, body any, out any) {
	t.Helper()
	if err := tryControl(method, path, body, out); err != nil {
		t.Fatalf("control %s %s: %v", method, path, err)
	}
}

func tryControl(method, path string, body any, out any) error {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, sandbox.controlURL+path, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// inboxEntry is what a simulated phone received (GET /control/inbox).
type inboxEntry struct {
	ID     string `json:"id"`
	Chat   string `json:"chat"`
	Sender string `json:"sender"`
	Text   string `json:"text"`
	Kind   string `json:"kind"`
}

// waitInbox polls phone's inbox (the phones report no events) until an entry matches.
func waitInbox(t *testing.T, phone, what string, match func(inboxEntry) bool) inboxEntry {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		var inbox []inboxEntry
		control(t, "GET", "/inbox?phone="+phone, nil, &inbox)
		for _, e := range inbox {
			if match(e) {
				return e
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("phone %s: no %s in its inbox within %s: %+v", phone, what, wait, inbox)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recorder keeps every event of a client, so a test waits for one whenever it came.
type recorder[E any] struct {
	mu      sync.Mutex
	events  []E
	changed chan struct{}
}

func newRecorder[E any]() *recorder[E] {
	return &recorder[E]{changed: make(chan struct{})}
}

func (r *recorder[E]) add(e E) {
	r.mu.Lock()
	r.events = append(r.events, e)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// waitFor returns the first event (since the client started) that matches.
func (r *recorder[E]) waitFor(t *testing.T, what string, match func(E) bool) E {
	t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		r.mu.Lock()
		for _, e := range r.events {
			if match(e) {
				r.mu.Unlock()
				return e
			}
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("no %s within %s", what, wait)
		}
	}
}

func (r *recorder[E]) count(match func(E) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if match(e) {
			n++
		}
	}
	return n
}

// testLogger writes whatsmeow's log to the test's log (while the test runs) and keeps its
// warnings and errors.
type testLogger struct {
	t      *testing.T
	module string
	shared *logShared
}

type logShared struct {
	mu       sync.Mutex
	done     bool
	problems []string
}

func (l testLogger) log(level, msg string, args ...any) {
	line := fmt.Sprintf("%s [%s %s] %s", time.Now().Format("15:04:05.000"), l.module, level, fmt.Sprintf(msg, args...))
	l.shared.mu.Lock()
	defer l.shared.mu.Unlock()
	if (level == "WARN" || level == "ERROR") && !l.shared.done {
		l.shared.problems = append(l.shared.problems, line)
	}
	if !l.shared.done && (level != "DEBUG" || os.Getenv("WM_DEBUG") != "") {
		l.t.Log(line)
	}
}

func (l testLogger) Warnf(msg string, args ...any)  { l.log("WARN", msg, args...) }
func (l testLogger) Errorf(msg string, args ...any) { l.log("ERROR", msg, args...) }
func (l testLogger) Infof(msg string, args ...any)  { l.log("INFO", msg, args...) }
func (l testLogger) Debugf(msg string, args ...any) { l.log("DEBUG", msg, args...) }
func (l testLogger) Sub(module string) waLog.Logger {
	return testLogger{t: l.t, module: l.module + "/" + module, shared: l.shared}
}

// wm is a whatsmeow client on its own SQLite store, pointed at the sandbox.
type wm struct {
	t         *testing.T
	dbPath    string
	cli       *whatsmeow.Client
	container *sqlstore.Container
	events    *recorder[any]
	log       *logShared
}

// newWM opens (or creates) the whatsmeow store at dbPath and makes a client over its device.
func newWM(t *testing.T, dbPath string) *wm {
	t.Helper()
	shared := &logShared{}
	log := testLogger{t: t, module: filepath.Base(dbPath), shared: shared}
	ctx := context.Background()
	// No fsync: a test store need not survive a power cut, and fsyncs made whatsmeow's first
	// 812 prekeys take seconds on a busy machine.
	dsn := "file:" + dbPath + "?_foreign_keys=on&_journal_mode=WAL&_synchronous=OFF"
	container, err := sqlstore.New(ctx, "sqlite3", dsn, log.Sub("DB"))
	if err != nil {
		t.Fatalf("sqlstore: %v", err)
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		t.Fatalf("device: %v", err)
	}
	cli := whatsmeow.NewClient(device, log.Sub("Client"))
	if err := UseSandbox(cli, sandbox.wsURL, sandbox.rootKey); err != nil {
		t.Fatal(err)
	}
	w := &wm{dbPath: dbPath, cli: cli, container: container, events: newRecorder[any](), log: shared}
	cli.AddEventHandler(func(evt any) { w.events.add(evt) })
	w.t = t
	t.Cleanup(w.close)
	return w
}

// close fails the test if whatsmeow logged a warning or an error while it ran (a disagreement
// with the sandbox shows there first), then disconnects and closes the store; what whatsmeow
// logs after that (work cut short by the close) is not counted. Again: a no-op.
func (w *wm) close() {
	w.log.mu.Lock()
	done := w.log.done
	problems := w.log.problems
	w.log.done = true
	w.log.mu.Unlock()
	if done {
		return
	}
	if len(problems) > 0 {
		w.t.Errorf("whatsmeow logged %d warnings or errors:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	w.cli.Disconnect()
	_ = w.container.Close()
}

// problems are the warnings and errors whatsmeow logged so far that contain any of subs.
func (w *wm) problems(subs ...string) []string {
	w.log.mu.Lock()
	defer w.log.mu.Unlock()
	var out []string
	for _, p := range w.log.problems {
		for _, s := range subs {
			if strings.Contains(p, s) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func waitEvent[E any](t *testing.T, w *wm, what string, match func(E) bool) E {
	t.Helper()
	evt := w.events.waitFor(t, what, func(e any) bool {
		typed, ok := e.(E)
		return ok && (match == nil || match(typed))
	})
	return evt.(E)
}

// pairByQR links a new whatsmeow device to phone by QR: the first code whatsmeow shows goes to
// the phone (POST /control/pair); then the 515 restart and the login.
func pairByQR(t *testing.T, phone string) *wm {
	t.Helper()
	w := newWM(t, filepath.Join(t.TempDir(), "whatsmeow.db"))
	code := w.connectForQR(t)
	w.pairVia(t, "/pair", map[string]string{"phone": phone, "qr": code})
	return w
}

// pairVia has the phone link the device (POST path: /pair or /pair-code), checks that
// whatsmeow paired as the device the sandbox names, then waits for the 515 restart, the login
// and the phone's welcome.
func (w *wm) pairVia(t *testing.T, path string, body map[string]string) {
	t.Helper()
	var paired struct {
		DeviceJID string `json:"device_jid"`
	}
	control(t, "POST", path, body, &paired)
	success := waitEvent[*events.PairSuccess](t, w, "pair success", nil)
	if success.ID.String() != paired.DeviceJID {
		t.Fatalf("whatsmeow paired as %s, the sandbox says %s", success.ID, paired.DeviceJID)
	}
	waitEvent[*events.Connected](t, w, "login after the 515 restart", nil)
	waitWelcome(t, w)
}

// waitWelcome waits until whatsmeow has handled what the phone sends every new companion: the
// app state key share (then a full sync of every app state collection), and the
// INITIAL_BOOTSTRAP and PUSH_NAME history syncs. The flows start after it: whatsmeow has no
// lock between decrypting a pkmsg from a device and starting its own session with that device,
// so a message sent to our own phone while the phone's first pkmsgs are still being decrypted
// can replace the session they build (whatsmeow then asks for a retry), and a disconnect
// during the full sync fails it, whatever server it talks to.
func waitWelcome(t *testing.T, w *wm) {
	t.Helper()
	for _, name := range appstate.AllPatchNames {
		waitEvent(t, w, "app state full sync of "+string(name), func(e *events.AppStateSyncComplete) bool {
			return e.Name == name
		})
	}
	for _, kind := range []waHistorySync.HistorySync_HistorySyncType{
		waHistorySync.HistorySync_INITIAL_BOOTSTRAP, waHistorySync.HistorySync_PUSH_NAME,
	} {
		waitEvent(t, w, kind.String()+" history sync", func(e *events.HistorySync) bool {
			return e.Data.GetSyncType() == kind
		})
	}
}

// connectForQR connects an unpaired client and returns the first QR code it shows.
func (w *wm) connectForQR(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	qrs, err := w.cli.GetQRChannel(context.Background())
	if err != nil {
		t.Fatalf("QR channel: %v", err)
	}
	if err := w.cli.Connect(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	select {
	case item := <-qrs:
		if item.Event != whatsmeow.QRChannelEventCode {
			t.Fatalf("first QR channel item: %+v", item)
		}
		return item.Code
	case <-ctx.Done():
		t.Fatalf("no QR code within %s (problems: %v)", wait, w.problems("pair-device"))
	}
	return ""
}

// pnOf is the phone-number JID of a sandbox account.
func pnOf(phone string) types.JID {
	return types.NewJID(phone, types.DefaultUserServer)
}
