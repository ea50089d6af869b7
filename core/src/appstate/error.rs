use thiserror::Error;

/// Why a snapshot, patch or mutation was refused. The MAC and LTHash mismatches are what a
/// client recovers from by fetching the collection's snapshot again; a missing key by asking
/// the phone for it.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppStateError {
    /// No app state sync key with this id (hex) is known.
    #[error("app state key {0} is not known")]
    MissingKey(String),
    #[error("mutation {0}: the value MAC does not match")]
    ValueMac(usize),
    #[error("mutation {0}: the index MAC does not match")]
    IndexMac(usize),
    /// The LTHash after applying the patch or snapshot does not give its snapshot MAC.
    #[error("the LTHash of {collection} at version {version} does not match its snapshot MAC")]
    LtHash { collection: String, version: u64 },
    #[error("the patch MAC of {collection} version {version} does not match")]
    PatchMac { collection: String, version: u64 },
    /// No app state sync key was shared yet (the phone sends them after linking).
    #[error("no app state key yet: the phone has not shared one")]
    NoKeys,
    /// A record that cannot be read (short blob, bad padding, bad protobuf or index JSON).
    #[error("malformed app state: {0}")]
    Malformed(String),
}
