//! What app state sync ([`crate::appstate`]) must keep across restarts: the app state sync keys
//! the phone shared, each collection's version and LTHash with its index → value MACs, and what
//! the mutations say: contacts (full, first, push and business names), chat settings (muted
//! until, pinned, archived, marked unread, labels) and labels.
//!
//! [`AppStateStore::apply`] writes one synced batch (a snapshot, or patches) in one go: the
//! collection's new version and hash, its MACs and the contacts and settings the batch changed,
//! so a crash never leaves a version without its data or data without its version.
//! [`super::MemoryAppStateStore`] keeps it in memory, [`super::SqliteAppStateStore`] in SQLite.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::appstate::state::MacChanges;
use crate::appstate::{Change, Collection, HashState};
use crate::binary::Jid;
use crate::signal::store::StoreError;

/// An app state sync key from `appStateSyncKeyShare`.
#[derive(Clone, PartialEq, Eq)]
pub struct AppStateKey {
    pub id: Vec<u8>,
    /// The key data the five mutation keys are expanded from.
    pub data: Vec<u8>,
    /// When the phone made it, unix milliseconds: the newest encrypts what we send.
    pub timestamp_ms: i64,
}

impl std::fmt::Debug for AppStateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppStateKey")
            .field("id", &hex::encode(&self.id))
            .field("timestamp_ms", &self.timestamp_ms)
            .finish_non_exhaustive()
    }
}

/// A contact as the address book (the `contact` action) and the push names know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub jid: Jid,
    pub full_name: Option<String>,
    pub first_name: Option<String>,
    /// The name the contact set for themselves.
    pub push_name: Option<String>,
    pub business_name: Option<String>,
}

impl Contact {
    pub fn new(jid: Jid) -> Contact {
        Contact { jid, full_name: None, first_name: None, push_name: None, business_name: None }
    }
}

/// One chat's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatSettings {
    pub chat: Jid,
    /// Muted until this time (unix milliseconds; -1 for ever); none when not muted.
    pub muted_until_ms: Option<i64>,
    pub pinned: bool,
    pub archived: bool,
    /// Marked unread (`markChatAsRead` with `read: false`).
    pub marked_unread: bool,
    /// The ids of the labels on the chat, sorted.
    pub labels: Vec<String>,
}

impl ChatSettings {
    pub fn new(chat: Jid) -> ChatSettings {
        ChatSettings {
            chat,
            muted_until_ms: None,
            pinned: false,
            archived: false,
            marked_unread: false,
            labels: Vec::new(),
        }
    }

    fn is_default(&self) -> bool {
        *self == ChatSettings::new(self.chat.clone())
    }
}

/// A label (WhatsApp Business): made with `label_edit`, put on chats with `label_jid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: String,
    pub name: String,
    pub color: i32,
    pub deleted: bool,
}

/// One synced batch of a collection, written atomically by [`AppStateStore::apply`].
#[derive(Clone, Copy, Debug)]
pub struct CollectionUpdate<'a> {
    pub collection: Collection,
    /// The version and hash the batch leads to.
    pub state: HashState,
    /// A snapshot: the collection's earlier MACs are dropped before `macs` are written.
    pub replace: bool,
    pub macs: &'a MacChanges,
    /// The changes, in order, to fold into contacts, chat settings and labels.
    pub changes: &'a [Change],
}

/// One account's app state. Calls may touch the disk.
pub trait AppStateStore: Send + Sync {
    /// Adds (or replaces, by id) keys.
    fn put_keys(&self, keys: &[AppStateKey]) -> Result<(), StoreError>;
    fn key(&self, id: &[u8]) -> Result<Option<AppStateKey>, StoreError>;
    /// The newest key (by timestamp), which our own patches are made with.
    fn latest_key(&self) -> Result<Option<AppStateKey>, StoreError>;

    /// Where `collection` stands (version 0 and a zero hash when never synced).
    fn collection_state(&self, collection: Collection) -> Result<HashState, StoreError>;
    /// The live index MAC → value MAC of `collection`.
    fn value_macs(&self, collection: Collection)
        -> Result<HashMap<[u8; 32], [u8; 32]>, StoreError>;
    /// Writes a batch: version, hash, MACs and what its changes say, all or nothing.
    fn apply(&self, update: &CollectionUpdate<'_>) -> Result<(), StoreError>;
    /// Forgets `collection`'s version, hash and MACs (a snapshot will be fetched again);
    /// contacts and settings stay until the snapshot replaces them.
    fn reset_collection(&self, collection: Collection) -> Result<(), StoreError>;

    /// Records push names (from history sync, from messages).
    fn put_push_names(&self, names: &[(Jid, String)]) -> Result<(), StoreError>;
    /// Every contact, sorted by JID.
    fn contacts(&self) -> Result<Vec<Contact>, StoreError>;
    fn contact(&self, jid: &Jid) -> Result<Option<Contact>, StoreError>;
    /// The settings of every chat with any, sorted by chat.
    fn chat_settings(&self) -> Result<Vec<ChatSettings>, StoreError>;
    fn chat(&self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError>;
    /// Every label, sorted by id.
    fn labels(&self) -> Result<Vec<Label>, StoreError>;

    /// Deletes everything (the device was logged out).
    fn clear(&self) -> Result<(), StoreError>;
}

/// The rows a batch's changes touch, as each backend reads and writes them inside its
/// transaction; [`fold`] is the one place that knows what a change does to them.
pub(crate) trait Rows {
    fn contact(&mut self, jid: &Jid) -> Result<Option<Contact>, StoreError>;
    fn put_contact(&mut self, contact: &Contact) -> Result<(), StoreError>;
    fn chat(&mut self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError>;
    /// Saves `settings`; settings back to the defaults are deleted.
    fn put_chat(&mut self, settings: &ChatSettings) -> Result<(), StoreError>;
    fn put_label(&mut self, label: &Label) -> Result<(), StoreError>;
}

fn update_chat(
    rows: &mut dyn Rows,
    chat: &Jid,
    f: impl FnOnce(&mut ChatSettings),
) -> Result<(), StoreError> {
    let mut settings = rows.chat(chat)?.unwrap_or_else(|| ChatSettings::new(chat.clone()));
    f(&mut settings);
    rows.put_chat(&settings)
}

/// What `change` does to the stored rows.
pub(crate) fn fold(rows: &mut dyn Rows, change: &Change) -> Result<(), StoreError> {
    match change {
        Change::Contact { jid, full_name, first_name, .. } => {
            let jid = jid.to_non_ad();
            let mut contact = rows.contact(&jid)?.unwrap_or_else(|| Contact::new(jid));
            contact.full_name = full_name.clone();
            contact.first_name = first_name.clone();
            rows.put_contact(&contact)
        }
        Change::Mute { chat, muted, until_ms } => update_chat(rows, chat, |s| {
            s.muted_until_ms = if *muted { Some(until_ms.unwrap_or(-1)) } else { None }
        }),
        Change::Pin { chat, pinned } => update_chat(rows, chat, |s| s.pinned = *pinned),
        Change::Archive { chat, archived } => update_chat(rows, chat, |s| s.archived = *archived),
        Change::MarkChatAsRead { chat, read } => {
            update_chat(rows, chat, |s| s.marked_unread = !*read)
        }
        // The chat is gone with its settings (labels too: WhatsApp drops them with it).
        Change::DeleteChat { chat, .. } => rows.put_chat(&ChatSettings::new(chat.clone())),
        Change::LabelEdit { label_id, name, color, deleted } => rows.put_label(&Label {
            id: label_id.clone(),
            name: name.clone(),
            color: *color,
            deleted: *deleted,
        }),
        Change::LabelChat { label_id, chat, labeled } => update_chat(rows, chat, |s| {
            s.labels.retain(|l| l != label_id);
            if *labeled {
                s.labels.push(label_id.clone());
                s.labels.sort();
            }
        }),
        _ => Ok(()),
    }
}

/// Records a push name on the contact row.
pub(crate) fn fold_push_name(rows: &mut dyn Rows, jid: &Jid, name: &str) -> Result<(), StoreError> {
    let jid = jid.to_non_ad();
    let mut contact = rows.contact(&jid)?.unwrap_or_else(|| Contact::new(jid));
    if contact.push_name.as_deref() == Some(name) {
        return Ok(());
    }
    contact.push_name = Some(name.to_owned());
    rows.put_contact(&contact)
}

/// Whether `settings` holds nothing worth a row.
pub(crate) fn is_default(settings: &ChatSettings) -> bool {
    settings.is_default()
}

/// Behaviour every [`AppStateStore`] must have; run against each implementation.
#[cfg(test)]
pub(crate) fn check_store(store: &dyn AppStateStore) {
    use crate::appstate::LtHash;
    let jid = |s: &str| -> Jid { s.parse().unwrap() };
    let key = |id: u8, t: i64| AppStateKey { id: vec![id; 6], data: vec![id; 32], timestamp_ms: t };

    assert_eq!(store.latest_key().unwrap(), None);
    store.put_keys(&[key(1, 10), key(2, 30), key(3, 20)]).unwrap();
    assert_eq!(store.key(&[3; 6]).unwrap(), Some(key(3, 20)));
    assert_eq!(store.key(&[9; 6]).unwrap(), None);
    assert_eq!(store.latest_key().unwrap(), Some(key(2, 30)));

    let c = Collection::RegularLow;
    assert_eq!(store.collection_state(c).unwrap(), HashState::default());
    let mut macs = MacChanges::default();
    macs.changes.insert([1; 32], Some([11; 32]));
    macs.changes.insert([2; 32], Some([12; 32]));
    let (ann, bo) = (jid("111@s.whatsapp.net"), jid("222@s.whatsapp.net"));
    let changes = [
        Change::Pin { chat: ann.clone(), pinned: true },
        Change::Archive { chat: bo.clone(), archived: true },
        Change::MarkChatAsRead { chat: bo.clone(), read: false },
        Change::Mute { chat: ann.clone(), muted: true, until_ms: Some(99) },
        Change::Contact {
            jid: jid("333:2@s.whatsapp.net"),
            full_name: Some("Cy Cole".into()),
            first_name: Some("Cy".into()),
            lid: None,
        },
        Change::LabelEdit { label_id: "5".into(), name: "Paid".into(), color: 3, deleted: false },
        Change::LabelChat { label_id: "5".into(), chat: ann.clone(), labeled: true },
    ];
    let state = HashState { version: 4, hash: LtHash([7; 128]) };
    store
        .apply(&CollectionUpdate {
            collection: c,
            state,
            replace: false,
            macs: &macs,
            changes: &changes,
        })
        .unwrap();
    assert_eq!(store.collection_state(c).unwrap(), state);
    assert_eq!(store.collection_state(Collection::Regular).unwrap(), HashState::default());
    assert_eq!(store.value_macs(c).unwrap().len(), 2);
    let a = store.chat(&ann).unwrap().unwrap();
    assert_eq!(
        a,
        ChatSettings {
            chat: ann.clone(),
            muted_until_ms: Some(99),
            pinned: true,
            archived: false,
            marked_unread: false,
            labels: vec!["5".into()],
        }
    );
    let b = store.chat(&bo).unwrap().unwrap();
    assert!(b.archived && b.marked_unread && !b.pinned);
    assert_eq!(store.chat_settings().unwrap().len(), 2);
    assert_eq!(
        store.labels().unwrap(),
        vec![Label { id: "5".into(), name: "Paid".into(), color: 3, deleted: false }]
    );

    store.put_push_names(&[(jid("333@s.whatsapp.net"), "cy".into())]).unwrap();
    store.put_push_names(&[(jid("444@s.whatsapp.net"), "di".into())]).unwrap();
    let contacts = store.contacts().unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(
        contacts[0],
        Contact {
            jid: jid("333@s.whatsapp.net"),
            full_name: Some("Cy Cole".into()),
            first_name: Some("Cy".into()),
            push_name: Some("cy".into()),
            business_name: None,
        }
    );

    // A later batch: one MAC removed, one replaced; the unpinned, unmuted, unlabeled chat
    // keeps no row; a deleted chat loses its settings.
    let mut later = MacChanges::default();
    later.changes.insert([1; 32], None);
    later.changes.insert([2; 32], Some([22; 32]));
    let changes = [
        Change::Pin { chat: ann.clone(), pinned: false },
        Change::Mute { chat: ann.clone(), muted: false, until_ms: None },
        Change::LabelChat { label_id: "5".into(), chat: ann.clone(), labeled: false },
        Change::DeleteChat { chat: bo.clone(), delete_media: false },
    ];
    let state = HashState { version: 6, hash: LtHash([8; 128]) };
    store
        .apply(&CollectionUpdate {
            collection: c,
            state,
            replace: false,
            macs: &later,
            changes: &changes,
        })
        .unwrap();
    let live = store.value_macs(c).unwrap();
    assert_eq!(live.into_iter().collect::<Vec<_>>(), vec![([2; 32], [22; 32])]);
    assert_eq!(store.chat(&ann).unwrap(), None);
    assert_eq!(store.chat(&bo).unwrap(), None);

    // A snapshot replaces the MACs.
    let mut snap = MacChanges::default();
    snap.changes.insert([3; 32], Some([33; 32]));
    let state = HashState { version: 9, hash: LtHash([9; 128]) };
    store
        .apply(&CollectionUpdate { collection: c, state, replace: true, macs: &snap, changes: &[] })
        .unwrap();
    assert_eq!(store.value_macs(c).unwrap().keys().collect::<Vec<_>>(), vec![&[3; 32]]);
    store.reset_collection(c).unwrap();
    assert_eq!(store.collection_state(c).unwrap(), HashState::default());
    assert!(store.value_macs(c).unwrap().is_empty());

    store.clear().unwrap();
    assert_eq!(store.latest_key().unwrap(), None);
    assert!(store.contacts().unwrap().is_empty());
    assert!(store.labels().unwrap().is_empty());
}
