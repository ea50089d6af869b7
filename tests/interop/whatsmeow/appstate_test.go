package interop

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/appstate"
	"go.mau.fi/whatsmeow/types/events"
)

// App state between two companions of ONE account (whatsmeow and a wazap peer, both linked to
// the same phone): a contact the wazap peer saves reaches whatsmeow (its event and its contact
// store), and a chat whatsmeow archives reaches the wazap peer (its event and its chat
// settings). Each side encrypts with the keys the phone shared and checks the other's MACs and
// LTHash, so this is the two implementations agreeing on the patch format end to end.
func TestAppStateBetweenCompanions(t *testing.T) {
	me := newPhone(t, "wm appstate")
	friend := newPhone(t, "appstate friend")
	w := pairByQR(t, me)
	p := startPeer(t, me)
	// The peer's first full sync of every collection is done before it makes a change of its
	// own, so the patch it sends builds on the state the phone set up.
	for _, name := range appstate.AllPatchNames {
		p.waitEvent("app_state_sync_complete", func(e map[string]any) bool {
			return e["collection"] == string(name)
		})
	}

	// (1) wazap saves a contact; whatsmeow sees it. The collection was empty (version 0) when
	// whatsmeow synced it, so whatsmeow fetches the new version as a snapshot (a full sync),
	// and it emits the events of a full sync only when asked to.
	w.cli.EmitAppStateEventsOnFullSync = true
	friendJID := pnOf(friend)
	const fullName = "Interop Friend Fullname"
	p.call("set_contact", map[string]any{"jid": friendJID.String(), "full_name": fullName,
		"first_name": "Interop"}, nil)
	contact := waitEvent(t, w, "contact "+fullName, func(e *events.Contact) bool {
		return e.JID.ToNonAD() == friendJID && e.Action.GetFullName() == fullName
	})
	if contact.Action.GetFirstName() != "Interop" {
		t.Fatalf("whatsmeow's contact event: %+v (action %v)", contact, contact.Action)
	}
	ctx, cancel := ctxWait()
	defer cancel()
	info, err := w.cli.Store.Contacts.GetContact(ctx, friendJID)
	if err != nil {
		t.Fatalf("GetContact: %v", err)
	}
	if !info.Found || info.FullName != fullName || info.FirstName != "Interop" {
		t.Fatalf("whatsmeow's contact store: %+v", info)
	}

	// (2) whatsmeow archives the chat with the friend; wazap sees it.
	if err := w.cli.SendAppState(ctx, appstate.BuildArchive(friendJID, true, time.Now(), nil)); err != nil {
		t.Fatalf("SendAppState(archive): %v", err)
	}
	archive := p.waitEvent("app_state", func(e map[string]any) bool {
		return e["kind"] == "archive" && e["chat"] == friendJID.String()
	})
	if archive["archived"] != true || archive["collection"] != string(appstate.WAPatchRegularLow) {
		t.Fatalf("wazap's archive event: %v", archive)
	}
	var settings []struct {
		Chat     string `json:"chat"`
		Archived bool   `json:"archived"`
		Pinned   bool   `json:"pinned"`
	}
	p.call("chat_settings", map[string]any{"chat": friendJID.String()}, &settings)
	if len(settings) != 1 || settings[0].Chat != friendJID.String() || !settings[0].Archived ||
		settings[0].Pinned {
		t.Fatalf("wazap's chat settings after the archive: %+v", settings)
	}
}
