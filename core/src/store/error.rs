use thiserror::Error;

/// Errors of the storage layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored record does not decode (damaged database or a bug).
    #[error("stored record is corrupt: {0}")]
    Corrupt(&'static str),
    /// A stored record was written by a newer version of this library.
    #[error("stored record has format version {found}; this build reads up to {supported}")]
    UnsupportedFormat { found: u32, supported: u32 },
    /// The database schema is newer than this build knows.
    #[error("database schema version {found} is newer than this build's {supported}")]
    SchemaTooNew { found: u32, supported: u32 },
    /// Our own identity key pair and registration id have not been saved yet.
    #[error("no local identity has been set")]
    NoLocalIdentity,
    /// A thread panicked while holding the store's lock.
    #[error("store lock poisoned")]
    Poisoned,
}
