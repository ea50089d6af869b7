//! A collection's hash state and how mutations move it.
use std::collections::HashMap;

use super::{AppStateError, LtHash};
use crate::proto;

/// SET or REMOVE (the wire's `SyncdOperation`, 0 and 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Set,
    Remove,
}

impl Operation {
    pub fn from_proto(value: i32) -> Result<Operation, AppStateError> {
        match proto::syncd_mutation::SyncdOperation::try_from(value) {
            Ok(proto::syncd_mutation::SyncdOperation::Set) => Ok(Operation::Set),
            Ok(proto::syncd_mutation::SyncdOperation::Remove) => Ok(Operation::Remove),
            Err(_) => Err(AppStateError::Malformed(format!("unknown operation {value}"))),
        }
    }

    pub fn to_proto(self) -> i32 {
        match self {
            Operation::Set => proto::syncd_mutation::SyncdOperation::Set as i32,
            Operation::Remove => proto::syncd_mutation::SyncdOperation::Remove as i32,
        }
    }

    /// The byte the value MAC starts with.
    pub fn mac_byte(self) -> u8 {
        self.to_proto() as u8 + 1
    }
}

/// Where a collection stands: the version of the last patch applied and the LTHash of the
/// value MACs live at that version. Version 0 with a zero hash is "never synced".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashState {
    pub version: u64,
    pub hash: LtHash,
}

/// One decrypted mutation: what it does (`index`, e.g. `["mute","1555…@s.whatsapp.net"]`, and
/// `value`) and the MACs that identify it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub operation: Operation,
    pub index: Vec<String>,
    pub value: proto::SyncActionValue,
    /// `SyncActionData.version`: the action's schema version (2 for mute, 5 for pin…).
    pub action_version: i32,
    pub index_mac: [u8; 32],
    pub value_mac: [u8; 32],
    pub key_id: Vec<u8>,
    /// The version of the patch (or snapshot) it came in.
    pub patch_version: u64,
}

/// The value MAC stored for each live index MAC of a collection (the previous SET that a new
/// SET or REMOVE of the same index takes out of the LTHash).
pub trait ValueMacs {
    fn value_mac(&self, index_mac: &[u8; 32]) -> Option<[u8; 32]>;
}

impl ValueMacs for HashMap<[u8; 32], [u8; 32]> {
    fn value_mac(&self, index_mac: &[u8; 32]) -> Option<[u8; 32]> {
        self.get(index_mac).copied()
    }
}

/// No stored MACs: a collection synced from nothing.
impl ValueMacs for () {
    fn value_mac(&self, _: &[u8; 32]) -> Option<[u8; 32]> {
        None
    }
}

/// What applying mutations changed in the stored index → value MAC map: `Some` is the new
/// value MAC of a SET, `None` a REMOVE. Keyed by index MAC; the last mutation of an index wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacChanges {
    pub changes: HashMap<[u8; 32], Option<[u8; 32]>>,
    /// REMOVEs of indexes that were not live. whatsmeow warns and goes on (WhatsApp sends some,
    /// e.g. for one's own contact); the snapshot MAC check still decides.
    pub missing_removes: usize,
}

impl MacChanges {
    /// The value MAC an index has after these changes, or what `stored` has when they leave
    /// it alone.
    pub fn value_mac(&self, index_mac: &[u8; 32], stored: &dyn ValueMacs) -> Option<[u8; 32]> {
        match self.changes.get(index_mac) {
            Some(changed) => *changed,
            None => stored.value_mac(index_mac),
        }
    }

    /// Folds `later` (applied after these) in.
    pub fn extend(&mut self, later: MacChanges) {
        self.changes.extend(later.changes);
        self.missing_removes += later.missing_removes;
    }

    /// The index MACs set, with their value MACs.
    pub fn set(&self) -> impl Iterator<Item = (&[u8; 32], &[u8; 32])> {
        self.changes.iter().filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
    }

    /// The index MACs removed.
    pub fn removed(&self) -> impl Iterator<Item = &[u8; 32]> {
        self.changes.iter().filter(|(_, v)| v.is_none()).map(|(i, _)| i)
    }
}

impl HashState {
    /// Moves the hash by `ops` (operation, index MAC, value MAC) in order: every SET adds its
    /// value MAC; every operation on an index that was live (earlier in `ops`, else in
    /// `stored`) subtracts that index's previous value MAC.
    pub fn apply(
        &mut self,
        ops: impl IntoIterator<Item = (Operation, [u8; 32], [u8; 32])>,
        stored: &dyn ValueMacs,
    ) -> MacChanges {
        let mut out = MacChanges::default();
        for (operation, index_mac, value_mac) in ops {
            match out.value_mac(&index_mac, stored) {
                Some(previous) => self.hash.subtract(&previous),
                None if operation == Operation::Remove => out.missing_removes += 1,
                None => {}
            }
            let now = match operation {
                Operation::Set => {
                    self.hash.add(&value_mac);
                    Some(value_mac)
                }
                Operation::Remove => None,
            };
            out.changes.insert(index_mac, now);
        }
        out
    }
}

/// `stored` seen through changes not yet written.
pub(crate) struct Overlay<'a> {
    pub changes: &'a MacChanges,
    pub stored: &'a dyn ValueMacs,
}

impl ValueMacs for Overlay<'_> {
    fn value_mac(&self, index_mac: &[u8; 32]) -> Option<[u8; 32]> {
        self.changes.value_mac(index_mac, self.stored)
    }
}
