//! The messaging caches a client must keep across restarts: the LID↔phone-number table, the
//! users' device lists, the retry buffer of recently sent messages (to answer retry receipts
//! for messages sent before a restart) and which devices already hold our sender key in each
//! group (so a restart does not resend sender key distribution messages).
//!
//! [`MessagingStore`] is one account's; [`super::MemoryMessagingStore`] keeps it in memory, the
//! SQLite one is [`super::SqliteMessagingStore`].
use crate::binary::Jid;
use crate::signal::store::StoreError;

/// Sent messages kept for answering retry receipts (whatsmeow keeps a similar window).
pub const RETRY_BUFFER_SIZE: usize = 4096;

/// A user's devices as last fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceList {
    /// Device JIDs, the phone (device 0) included.
    pub devices: Vec<Jid>,
    /// The participant hash of `devices` (what the server compares on send).
    pub phash: String,
    /// When the list was fetched, unix seconds.
    pub timestamp: u64,
}

/// A message we sent, kept to encrypt it again for a device that asks for a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentRecord {
    /// The chat it was sent to (a user or a group).
    pub chat: Jid,
    /// The marshalled `Message` protobuf.
    pub message: Vec<u8>,
}

/// A poll we sent or received, kept to open (and cast) its votes: the message secret they are
/// sealed under, and the options they choose by hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollRecord {
    pub id: String,
    /// The chat it was sent in (a user or a group, no device).
    pub chat: Jid,
    /// Who sent it (no device), as its votes' keys derive from.
    pub sender: Jid,
    /// `messageContextInfo.messageSecret`.
    pub secret: Vec<u8>,
    pub name: String,
    pub options: Vec<String>,
    /// How many options a voter may choose; 0: any number.
    pub selectable: u32,
}

/// A voter's current choice in a poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollVoteRecord {
    /// The voter (no device).
    pub voter: Jid,
    /// SHA-256 of each chosen option's name; empty: the vote was withdrawn.
    pub selected: Vec<[u8; 32]>,
    /// The vote's `senderTimestampMs`: a later vote of the same voter replaces it.
    pub timestamp_ms: i64,
}

/// One account's persistent messaging caches. Calls may touch the disk.
pub trait MessagingStore: Send + Sync {
    /// Records that phone-number user `pn_user` has the LID user `lid_user` (bare users, no
    /// server or device). A later pair replaces an earlier one for either side.
    fn put_lid_mapping(&self, pn_user: &str, lid_user: &str) -> Result<(), StoreError>;
    /// Every known (phone-number user, LID user) pair.
    fn lid_mappings(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// The cached device list of `user` (a user JID without device).
    fn device_list(&self, user: &Jid) -> Result<Option<DeviceList>, StoreError>;
    fn put_device_list(&self, user: &Jid, list: &DeviceList) -> Result<(), StoreError>;
    /// Forgets `user`'s device list (a device notification, a phash mismatch).
    fn delete_device_list(&self, user: &Jid) -> Result<(), StoreError>;

    /// Keeps a sent message; the oldest are dropped beyond [`RETRY_BUFFER_SIZE`].
    fn put_sent_message(&self, id: &str, record: &SentRecord) -> Result<(), StoreError>;
    fn sent_message(&self, id: &str) -> Result<Option<SentRecord>, StoreError>;

    /// The devices that hold our current sender key in `group`.
    fn sender_key_holders(&self, group: &Jid) -> Result<Vec<Jid>, StoreError>;
    /// Adds `holders`; with `reset`, the earlier holders are forgotten first (a new sender
    /// key was made).
    fn add_sender_key_holders(
        &self,
        group: &Jid,
        reset: bool,
        holders: &[Jid],
    ) -> Result<(), StoreError>;

    /// Keeps a poll; the first record of an id stays (a later message reusing the id cannot
    /// take its secret over).
    fn put_poll(&self, poll: &PollRecord) -> Result<(), StoreError>;
    fn poll(&self, id: &str) -> Result<Option<PollRecord>, StoreError>;
    /// Records `vote` in poll `poll_id`, replacing the voter's earlier vote unless that one is
    /// newer.
    fn put_poll_vote(&self, poll_id: &str, vote: &PollVoteRecord) -> Result<(), StoreError>;
    /// The current vote of each voter of poll `poll_id`, in no particular order.
    fn poll_votes(&self, poll_id: &str) -> Result<Vec<PollVoteRecord>, StoreError>;

    /// Deletes everything (the device was logged out).
    fn clear(&self) -> Result<(), StoreError>;
}

/// Behaviour every [`MessagingStore`] must have; run against each implementation.
#[cfg(test)]
pub(crate) fn check_store(store: &dyn MessagingStore) {
    let jid = |s: &str| -> Jid { s.parse().unwrap() };
    store.put_lid_mapping("111", "900").unwrap();
    store.put_lid_mapping("222", "901").unwrap();
    // The LID moved to another number: the old pair goes.
    store.put_lid_mapping("333", "901").unwrap();
    let mut pairs = store.lid_mappings().unwrap();
    pairs.sort();
    assert_eq!(pairs, vec![("111".into(), "900".into()), ("333".into(), "901".into())]);

    let user = jid("111@s.whatsapp.net");
    let list = DeviceList {
        devices: vec![jid("111@s.whatsapp.net"), jid("111:3@s.whatsapp.net")],
        phash: "2:abc".into(),
        timestamp: 1_700_000_000,
    };
    assert_eq!(store.device_list(&user).unwrap(), None);
    store.put_device_list(&user, &list).unwrap();
    assert_eq!(store.device_list(&user).unwrap(), Some(list));
    store.delete_device_list(&user).unwrap();
    assert_eq!(store.device_list(&user).unwrap(), None);

    let record = SentRecord { chat: user.clone(), message: vec![1, 2, 3] };
    store.put_sent_message("first", &record).unwrap();
    for i in 0..RETRY_BUFFER_SIZE {
        let r = SentRecord { chat: user.clone(), message: vec![i as u8] };
        store.put_sent_message(&format!("m{i}"), &r).unwrap();
    }
    assert_eq!(store.sent_message("first").unwrap(), None, "the oldest is dropped");
    assert_eq!(store.sent_message("m0").unwrap().unwrap().message, vec![0]);
    let last = format!("m{}", RETRY_BUFFER_SIZE - 1);
    assert!(store.sent_message(&last).unwrap().is_some());

    let group = jid("123-456@g.us");
    let (d1, d2, d3) = (jid("111:1@s.whatsapp.net"), jid("222:4@lid"), jid("333:2@s.whatsapp.net"));
    store.add_sender_key_holders(&group, true, &[d1.clone(), d2.clone()]).unwrap();
    store.add_sender_key_holders(&group, false, &[d2.clone(), d3.clone()]).unwrap();
    let mut got = store.sender_key_holders(&group).unwrap();
    got.sort_by_key(Jid::to_string);
    let mut want = vec![d1, d2, d3.clone()];
    want.sort_by_key(Jid::to_string);
    assert_eq!(got, want);
    store.add_sender_key_holders(&group, true, std::slice::from_ref(&d3)).unwrap();
    assert_eq!(store.sender_key_holders(&group).unwrap(), vec![d3]);
    assert!(store.sender_key_holders(&jid("9-9@g.us")).unwrap().is_empty());

    let poll = PollRecord {
        id: "P1".into(),
        chat: group.clone(),
        sender: jid("111@s.whatsapp.net"),
        secret: vec![7; 32],
        name: "Lunch?".into(),
        options: vec!["Pizza".into(), "Sushi".into()],
        selectable: 1,
    };
    assert_eq!(store.poll("P1").unwrap(), None);
    store.put_poll(&poll).unwrap();
    store.put_poll(&PollRecord { secret: vec![0; 32], ..poll.clone() }).unwrap();
    assert_eq!(store.poll("P1").unwrap(), Some(poll), "the first record stays");
    let vote = |voter: &str, selected: Vec<[u8; 32]>, timestamp_ms| PollVoteRecord {
        voter: jid(voter),
        selected,
        timestamp_ms,
    };
    store.put_poll_vote("P1", &vote("222@s.whatsapp.net", vec![[1; 32]], 10)).unwrap();
    store.put_poll_vote("P1", &vote("222@s.whatsapp.net", vec![[2; 32], [3; 32]], 20)).unwrap();
    store.put_poll_vote("P1", &vote("222@s.whatsapp.net", vec![[4; 32]], 15)).unwrap();
    store.put_poll_vote("P1", &vote("333@s.whatsapp.net", vec![], 5)).unwrap();
    let mut votes = store.poll_votes("P1").unwrap();
    votes.sort_by_key(|v| v.voter.to_string());
    assert_eq!(
        votes,
        vec![
            vote("222@s.whatsapp.net", vec![[2; 32], [3; 32]], 20),
            vote("333@s.whatsapp.net", vec![], 5)
        ],
        "an older vote does not replace a newer one"
    );
    assert!(store.poll_votes("P2").unwrap().is_empty());

    store.clear().unwrap();
    assert!(store.poll("P1").unwrap().is_none());
    assert!(store.poll_votes("P1").unwrap().is_empty());
    assert!(store.lid_mappings().unwrap().is_empty());
    assert!(store.sent_message("m0").unwrap().is_none());
    assert!(store.sender_key_holders(&group).unwrap().is_empty());
}
