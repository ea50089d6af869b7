//! Versioned schema migrations of the Signal tables. Each entry upgrades the schema by one
//! version; applied ones are never edited, new ones are appended. The version is kept per
//! component in `wazap_schema`, so other stores can share the database file.

/// The component name under which these migrations are versioned.
pub(super) const COMPONENT: &str = "signal";

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first schema. Keys are 32 raw bytes; records use the versioned protobuf format of
    // proto/signal_storage.proto.
    "CREATE TABLE signal_local_identity (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        public BLOB NOT NULL,
        private BLOB NOT NULL,
        registration_id INTEGER NOT NULL
    );
    CREATE TABLE signal_identities (
        address TEXT PRIMARY KEY,
        public BLOB NOT NULL
    );
    CREATE TABLE signal_pre_keys (
        id INTEGER PRIMARY KEY,
        public BLOB NOT NULL,
        private BLOB NOT NULL
    );
    CREATE TABLE signal_signed_pre_keys (
        id INTEGER PRIMARY KEY,
        public BLOB NOT NULL,
        private BLOB NOT NULL,
        signature BLOB NOT NULL
    );
    CREATE TABLE signal_sessions (
        address TEXT PRIMARY KEY,
        record BLOB NOT NULL
    );
    CREATE TABLE signal_sender_keys (
        group_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (group_id, sender)
    );",
];

/// Brings the schema to the newest version inside one transaction.
pub(super) fn migrate(conn: &mut rusqlite::Connection) -> Result<u32, crate::store::StoreError> {
    use rusqlite::OptionalExtension;
    let tx = conn.transaction()?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS wazap_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
        [],
    )?;
    let current: u32 = tx
        .query_row("SELECT version FROM wazap_schema WHERE component = ?1", [COMPONENT], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    let newest = MIGRATIONS.len() as u32;
    if current > newest {
        return Err(crate::store::StoreError::SchemaTooNew { found: current, supported: newest });
    }
    for sql in &MIGRATIONS[current as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.execute(
        "INSERT INTO wazap_schema (component, version) VALUES (?1, ?2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        rusqlite::params![COMPONENT, newest],
    )?;
    tx.commit()?;
    Ok(newest)
}
