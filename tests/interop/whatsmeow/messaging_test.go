package interop

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

func ctxWait() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), wait)
}

// waitFor polls cond (for state that no event reports) within the bound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sendText(t *testing.T, w *wm, to types.JID, text string) whatsmeow.SendResponse {
	t.Helper()
	ctx, cancel := ctxWait()
	defer cancel()
	resp, err := w.cli.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(text)})
	if err != nil {
		t.Fatalf("send %q to %s: %v", text, to, err)
	}
	return resp
}

func textOf(m *waE2E.Message) string {
	if m.GetConversation() != "" {
		return m.GetConversation()
	}
	return m.GetExtendedTextMessage().GetText()
}

// waitText waits for a message event with text.
func waitText(t *testing.T, w *wm, text string) *events.Message {
	t.Helper()
	return waitEvent(t, w, "message "+text, func(e *events.Message) bool {
		return textOf(e.Message) == text
	})
}

func sameUser(a types.JID, phone string) bool {
	return a.User == phone && a.Server == types.DefaultUserServer
}

// 1:1 text both ways between whatsmeow and a simulated phone.
func TestTextWithPhone(t *testing.T) {
	me := newPhone(t, "wm phone chat")
	friend := newPhone(t, "phone friend")
	w := pairByQR(t, me)

	sent := sendText(t, w, pnOf(friend), "hello phone")
	waitInbox(t, friend, "whatsmeow's text", func(e inboxEntry) bool {
		return e.ID == sent.ID && e.Text == "hello phone" && e.Kind == "text"
	})

	control(t, "POST", "/send", map[string]string{"from": friend, "to": me, "text": "hello whatsmeow"}, nil)
	got := waitText(t, w, "hello whatsmeow")
	if !sameUser(got.Info.Sender, friend) || got.Info.IsFromMe || got.Info.IsGroup {
		t.Fatalf("message info: %+v", got.Info)
	}
}

// 1:1 text both ways between whatsmeow and a wazap client.
func TestTextWithWazap(t *testing.T) {
	w, p, me, other := withPeer(t, "wm wazap chat", "wazap friend")

	sent := sendText(t, w, pnOf(other), "hello wazap")
	got := p.waitMessage("hello wazap")
	if field(got, "info", "id") != sent.ID || field(got, "info", "is_from_me") != false {
		t.Fatalf("wazap got %v", got)
	}
	if s, _ := types.ParseJID(field(got, "info", "sender").(string)); s.User != me && !senderIsLIDOf(t, s, me) {
		t.Fatalf("wazap sees the sender as %v", s)
	}

	var reply struct {
		ID string `json:"id"`
	}
	p.call("send_text", map[string]any{"to": me, "text": "hello whatsmeow"}, &reply)
	msg := waitText(t, w, "hello whatsmeow")
	if msg.Info.ID != reply.ID || !sameUser(msg.Info.Sender.ToNonAD(), other) && msg.Info.Sender.User != p.lid().User {
		t.Fatalf("whatsmeow got %+v", msg.Info)
	}
}

// withPeer makes two accounts, links whatsmeow to the first and a wazap peer to the second.
func withPeer(t *testing.T, wmName, peerName string) (w *wm, p *peer, me, other string) {
	t.Helper()
	me = newPhone(t, wmName)
	other = newPhone(t, peerName)
	return pairByQR(t, me), startPeer(t, other), me, other
}

// senderIsLIDOf tells whether jid is the LID of a sandbox account's phone.
func senderIsLIDOf(t *testing.T, jid types.JID, phone string) bool {
	t.Helper()
	if jid.Server != types.HiddenUserServer {
		return false
	}
	for _, d := range devicesOf(t, phone) {
		if lid, err := types.ParseJID(d.LID); err == nil && lid.User == jid.User {
			return true
		}
	}
	return false
}

// A group whatsmeow creates with a wazap client and a phone in it: texts from each member reach
// the others (sender keys).
func TestGroupWithWazapAndPhone(t *testing.T) {
	me := newPhone(t, "wm group")
	other := newPhone(t, "wazap member")
	phone := newPhone(t, "phone member")
	w := pairByQR(t, me)
	p := startPeer(t, other)

	ctx, cancel := ctxWait()
	defer cancel()
	group, err := w.cli.CreateGroup(ctx, whatsmeow.ReqCreateGroup{
		Name:         "interop group",
		Participants: []types.JID{pnOf(other), pnOf(phone)},
	})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	if group.Name != "interop group" || len(group.Participants) != 3 {
		t.Fatalf("created group: %+v", group)
	}
	gid := group.JID.String()
	p.waitEvent("joined_group", func(e map[string]any) bool { return field(e, "jid") == gid || field(e, "group", "jid") == gid })

	sent := sendText(t, w, group.JID, "group hello from whatsmeow")
	got := p.waitMessage("group hello from whatsmeow")
	if field(got, "info", "chat") != gid || field(got, "info", "id") != sent.ID {
		t.Fatalf("wazap got %v", got)
	}
	waitInbox(t, phone, "whatsmeow's group text", func(e inboxEntry) bool {
		return e.ID == sent.ID && e.Chat == gid && e.Text == "group hello from whatsmeow"
	})

	p.call("send_text", map[string]any{"to": gid, "text": "group hello from wazap"}, nil)
	fromWazap := waitText(t, w, "group hello from wazap")
	if fromWazap.Info.Chat != group.JID || !fromWazap.Info.IsGroup {
		t.Fatalf("whatsmeow got %+v", fromWazap.Info)
	}
	waitInbox(t, phone, "wazap's group text", func(e inboxEntry) bool {
		return e.Chat == gid && e.Text == "group hello from wazap"
	})

	control(t, "POST", "/send", map[string]string{"from": phone, "to": gid, "text": "group hello from the phone"}, nil)
	fromPhone := waitText(t, w, "group hello from the phone")
	if fromPhone.Info.Chat != group.JID || !fromPhone.Info.IsGroup {
		t.Fatalf("whatsmeow got %+v", fromPhone.Info)
	}
	p.waitMessage("group hello from the phone")

	// A second message from each reuses the sender keys already handed out.
	sendText(t, w, group.JID, "again from whatsmeow")
	p.waitMessage("again from whatsmeow")
	p.call("send_text", map[string]any{"to": gid, "text": "again from wazap"}, nil)
	waitText(t, w, "again from wazap")
}

func testJPEG(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 5), B: shade, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An image each way between whatsmeow and a wazap client, each downloading and checking the
// other's upload (whatsmeow checks the media MAC and both hashes).
func TestImageBothWays(t *testing.T) {
	w, p, me, other := withPeer(t, "wm media", "wazap media")

	picture := testJPEG(t, 10)
	ctx, cancel := ctxWait()
	defer cancel()
	up, err := w.cli.Upload(ctx, picture, whatsmeow.MediaImage)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	_, err = w.cli.SendMessage(ctx, pnOf(other), &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Caption:       proto.String("from whatsmeow"),
		Mimetype:      proto.String("image/jpeg"),
		URL:           &up.URL,
		DirectPath:    &up.DirectPath,
		MediaKey:      up.MediaKey,
		FileEncSHA256: up.FileEncSHA256,
		FileSHA256:    up.FileSHA256,
		FileLength:    proto.Uint64(up.FileLength),
		Width:         proto.Uint32(64),
		Height:        proto.Uint32(48),
	}})
	if err != nil {
		t.Fatalf("send image: %v", err)
	}
	got := p.waitEvent("message", func(e map[string]any) bool {
		return field(e, "message", "kind") == "image" && field(e, "message", "text") == "from whatsmeow"
	})
	var downloaded struct {
		Base64 string `json:"base64"`
	}
	p.call("download", map[string]any{"message": got["message"]}, &downloaded)
	if data, _ := base64.StdEncoding.DecodeString(downloaded.Base64); !bytes.Equal(data, picture) {
		t.Fatalf("wazap downloaded %d bytes, whatsmeow sent %d", len(data), len(picture))
	}

	other2 := testJPEG(t, 200)
	path := filepath.Join(t.TempDir(), "from-wazap.jpg")
	if err := os.WriteFile(path, other2, 0o600); err != nil {
		t.Fatal(err)
	}
	p.call("send_image", map[string]any{"to": me, "path": path, "mimetype": "image/jpeg", "caption": "from wazap"}, nil)
	msg := waitEvent(t, w, "image from wazap", func(e *events.Message) bool {
		return e.Message.GetImageMessage().GetCaption() == "from wazap"
	})
	data, err := w.cli.Download(ctx, msg.Message.GetImageMessage())
	if err != nil {
		t.Fatalf("whatsmeow download: %v", err)
	}
	if !bytes.Equal(data, other2) {
		t.Fatalf("whatsmeow downloaded %d bytes, wazap sent %d", len(data), len(other2))
	}
}

// Delivery and read receipts both ways between whatsmeow and a wazap client.
func TestReceipts(t *testing.T) {
	w, p, me, other := withPeer(t, "wm receipts", "wazap receipts")

	sent := sendText(t, w, pnOf(other), "did you get this?")
	p.waitMessage("did you get this?")
	isReceipt := func(kind types.ReceiptType, id string) func(*events.Receipt) bool {
		return func(e *events.Receipt) bool { return e.Type == kind && slices.Contains(e.MessageIDs, id) }
	}
	waitEvent(t, w, "delivery receipt", isReceipt(types.ReceiptTypeDelivered, sent.ID))
	p.call("mark_read", map[string]any{"ids": []string{sent.ID}, "chat": me}, nil)
	read := waitEvent(t, w, "read receipt", isReceipt(types.ReceiptTypeRead, sent.ID))
	if read.Chat.User != other && read.Chat.User != p.lid().User {
		t.Fatalf("read receipt chat: %v", read.Chat)
	}

	var reply struct {
		ID string `json:"id"`
	}
	p.call("send_text", map[string]any{"to": me, "text": "read this"}, &reply)
	msg := waitText(t, w, "read this")
	peerReceipt := func(kind string) func(map[string]any) bool {
		return func(e map[string]any) bool {
			ids, _ := e["ids"].([]any)
			return e["receipt_type"] == kind && slices.Contains(ids, any(reply.ID))
		}
	}
	p.waitEvent("receipt", func(e map[string]any) bool {
		return peerReceipt("delivered")(e) || peerReceipt("inactive")(e)
	})
	ctx, cancel := ctxWait()
	defer cancel()
	if err := w.cli.MarkRead(ctx, []types.MessageID{msg.Info.ID}, time.Now(), msg.Info.Chat, msg.Info.Sender); err != nil {
		t.Fatalf("MarkRead: %v", err)
	}
	p.waitEvent("receipt", peerReceipt("read"))
}

// Chat state (typing) and presence both ways between whatsmeow and a wazap client.
func TestChatStateAndPresence(t *testing.T) {
	w, p, me, other := withPeer(t, "wm presence", "wazap presence")
	ctx, cancel := ctxWait()
	defer cancel()

	if err := w.cli.SendChatPresence(ctx, pnOf(other), types.ChatPresenceComposing, ""); err != nil {
		t.Fatalf("SendChatPresence: %v", err)
	}
	p.waitEvent("chat_presence", func(e map[string]any) bool { return e["state"] == "composing" })
	p.call("send_chat_state", map[string]any{"chat": me, "state": "paused"}, nil)
	waitEvent(t, w, "paused chat state", func(e *events.ChatPresence) bool {
		return e.State == types.ChatPresencePaused && (e.Sender.User == other || e.Sender.User == p.lid().User)
	})
	p.call("send_chat_state", map[string]any{"chat": me, "state": "composing", "media": "audio"}, nil)
	waitEvent(t, w, "recording chat state", func(e *events.ChatPresence) bool {
		return e.State == types.ChatPresenceComposing && e.Media == types.ChatPresenceMediaAudio
	})

	// whatsmeow needs its push name to send presence; the sandbox's phone does not sync it
	// (app state), so set it as the account's name.
	w.cli.Store.PushName = "wm presence"
	if err := w.cli.SendPresence(ctx, types.PresenceAvailable); err != nil {
		t.Fatalf("SendPresence: %v", err)
	}
	if err := w.cli.SubscribePresence(ctx, pnOf(other)); err != nil {
		t.Fatalf("SubscribePresence: %v", err)
	}
	p.call("send_presence", map[string]any{"presence": "available"}, nil)
	waitEvent(t, w, "wazap online", func(e *events.Presence) bool {
		return !e.Unavailable && (e.From.User == other || e.From.User == p.lid().User)
	})
	p.call("subscribe_presence", map[string]any{"jid": me}, nil)
	p.waitEvent("presence", func(e map[string]any) bool {
		from, _ := types.ParseJID(field(e, "from").(string))
		return e["available"] == true && from.User == me
	})
	p.call("send_presence", map[string]any{"presence": "unavailable"}, nil)
	waitEvent(t, w, "wazap offline", func(e *events.Presence) bool {
		return e.Unavailable && (e.From.User == other || e.From.User == p.lid().User)
	})
}
