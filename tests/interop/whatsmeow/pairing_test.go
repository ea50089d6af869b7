package interop

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/types/events"
)

// device is an entry of GET /control/devices.
type device struct {
	Device    int    `json:"device"`
	JID       string `json:"jid"`
	LID       string `json:"lid"`
	Connected bool   `json:"connected"`
}

func devicesOf(t *testing.T, phone string) []device {
	t.Helper()
	var list []device
	control(t, "GET", "/devices?phone="+phone, nil, &list)
	return list
}

// Pair by QR, restart on 515, log in: the store holds the device, and the sandbox lists it as
// linked and connected.
func TestPairByQRThen515AndLogin(t *testing.T) {
	phone := newPhone(t, "QR pairing")
	w := pairByQR(t, phone)
	if w.cli.Store.ID == nil || w.cli.Store.ID.User != phone || w.cli.Store.ID.Device == 0 {
		t.Fatalf("store ID after pairing: %v", w.cli.Store.ID)
	}
	if !w.cli.IsLoggedIn() {
		t.Fatal("not logged in after the 515 restart")
	}
	list := devicesOf(t, phone)
	if len(list) != 2 || list[1].JID != w.cli.Store.ID.String() || !list[1].Connected {
		t.Fatalf("sandbox devices after pairing: %+v", list)
	}
}

// Pair by phone code: whatsmeow asks for a code (PairPhone), the phone's user types it in
// (POST /control/pair-code).
func TestPairByPhoneCode(t *testing.T) {
	phone := newPhone(t, "code pairing")
	w := newWM(t, t.TempDir()+"/whatsmeow.db")
	w.connectForQR(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	code, err := w.cli.PairPhone(ctx, "+"+phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		t.Fatalf("PairPhone: %v", err)
	}
	w.pairVia(t, "/pair-code", map[string]string{"phone": phone, "code": code})
}

// A second client over the same store logs in with the stored session (no QR code) and
// still receives messages.
func TestReconnectWithStoredSession(t *testing.T) {
	phone := newPhone(t, "reconnect")
	friend := newPhone(t, "reconnect friend")
	first := pairByQR(t, phone)
	id := *first.cli.Store.ID
	first.close()

	again := newWM(t, first.dbPath)
	if again.cli.Store.ID == nil || *again.cli.Store.ID != id {
		t.Fatalf("stored device: %v, paired as %v", again.cli.Store.ID, id)
	}
	if err := again.cli.Connect(); err != nil {
		t.Fatalf("connect: %v", err)
	}
	waitEvent[*events.Connected](t, again, "login with the stored session", nil)
	if n := again.events.count(func(e any) bool { _, qr := e.(*events.QR); return qr }); n != 0 {
		t.Fatalf("a paired device was shown %d QR events", n)
	}
	control(t, "POST", "/send", map[string]string{"from": friend, "to": phone, "text": "still there?"}, nil)
	waitText(t, again, "still there?")
}

// The phone hands a new companion its history: an INITIAL_BOOTSTRAP with the chats it has
// (here one conversation with a text from before the link) and a PUSH_NAME with the names it
// knows; whatsmeow downloads (media MAC and hashes checked), inflates and decodes both.
func TestHistorySyncOnFirstLogin(t *testing.T) {
	phone := newPhone(t, "history")
	friend := newPhone(t, "History Friend")
	var sent struct {
		ID string `json:"id"`
	}
	control(t, "POST", "/send", map[string]string{"from": friend, "to": phone, "text": "before you linked"}, &sent)
	waitInbox(t, phone, "the friend's text", func(e inboxEntry) bool { return e.ID == sent.ID })

	w := pairByQR(t, phone)
	bootstrap := waitEvent(t, w, "INITIAL_BOOTSTRAP history sync", func(e *events.HistorySync) bool {
		return e.Data.GetSyncType() == waHistorySync.HistorySync_INITIAL_BOOTSTRAP
	})
	found := false
	for _, conv := range bootstrap.Data.GetConversations() {
		for _, m := range conv.GetMessages() {
			msg := m.GetMessage()
			if conv.GetID() == pnOf(friend).String() && msg.GetKey().GetID() == sent.ID &&
				msg.GetMessage().GetConversation() == "before you linked" {
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("the bootstrap lacks the friend's text: %v", bootstrap.Data)
	}
	names := waitEvent(t, w, "PUSH_NAME history sync", func(e *events.HistorySync) bool {
		return e.Data.GetSyncType() == waHistorySync.HistorySync_PUSH_NAME
	})
	found = false
	for _, p := range names.Data.GetPushnames() {
		if p.GetID() == pnOf(friend).String() && p.GetPushname() == "History Friend" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the push names lack the friend's: %v", names.Data.GetPushnames())
	}
}

// The phone unlinks the companion (POST /control/unlink): whatsmeow gets device_removed,
// reports LoggedOut and deletes its device.
func TestUnlinkFromPhone(t *testing.T) {
	phone := newPhone(t, "unlink")
	w := pairByQR(t, phone)
	id := w.cli.Store.ID
	control(t, "POST", "/unlink", map[string]any{"phone": phone, "device": id.Device}, nil)
	out := waitEvent[*events.LoggedOut](t, w, "logged out", nil)
	if out.OnConnect || out.Reason != events.ConnectFailureLoggedOut {
		t.Fatalf("LoggedOut: %+v", out)
	}
	waitFor(t, "the store to forget the device", func() bool { return w.cli.Store.ID == nil })
	if list := devicesOf(t, phone); len(list) != 1 {
		t.Fatalf("sandbox devices after unlinking: %+v", list)
	}
}
