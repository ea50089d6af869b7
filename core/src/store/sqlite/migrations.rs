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
    // 2: one file holds many accounts: every table gains an `account` column (the name the
    // device store uses; '' for stores opened without one) in its primary key. Rows written by
    // version 1 belong to the account ''.
    "CREATE TABLE signal_local_identity_v2 (
        account TEXT PRIMARY KEY,
        public BLOB NOT NULL,
        private BLOB NOT NULL,
        registration_id INTEGER NOT NULL
    );
    INSERT INTO signal_local_identity_v2 SELECT '', public, private, registration_id
        FROM signal_local_identity;
    DROP TABLE signal_local_identity;
    ALTER TABLE signal_local_identity_v2 RENAME TO signal_local_identity;

    CREATE TABLE signal_identities_v2 (
        account TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL,
        public BLOB NOT NULL,
        PRIMARY KEY (account, address)
    );
    INSERT INTO signal_identities_v2 SELECT '', address, public FROM signal_identities;
    DROP TABLE signal_identities;
    ALTER TABLE signal_identities_v2 RENAME TO signal_identities;

    CREATE TABLE signal_pre_keys_v2 (
        account TEXT NOT NULL DEFAULT '',
        id INTEGER NOT NULL,
        public BLOB NOT NULL,
        private BLOB NOT NULL,
        PRIMARY KEY (account, id)
    );
    INSERT INTO signal_pre_keys_v2 SELECT '', id, public, private FROM signal_pre_keys;
    DROP TABLE signal_pre_keys;
    ALTER TABLE signal_pre_keys_v2 RENAME TO signal_pre_keys;

    CREATE TABLE signal_signed_pre_keys_v2 (
        account TEXT NOT NULL DEFAULT '',
        id INTEGER NOT NULL,
        public BLOB NOT NULL,
        private BLOB NOT NULL,
        signature BLOB NOT NULL,
        PRIMARY KEY (account, id)
    );
    INSERT INTO signal_signed_pre_keys_v2 SELECT '', id, public, private, signature
        FROM signal_signed_pre_keys;
    DROP TABLE signal_signed_pre_keys;
    ALTER TABLE signal_signed_pre_keys_v2 RENAME TO signal_signed_pre_keys;

    CREATE TABLE signal_sessions_v2 (
        account TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (account, address)
    );
    INSERT INTO signal_sessions_v2 SELECT '', address, record FROM signal_sessions;
    DROP TABLE signal_sessions;
    ALTER TABLE signal_sessions_v2 RENAME TO signal_sessions;

    CREATE TABLE signal_sender_keys_v2 (
        account TEXT NOT NULL DEFAULT '',
        group_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (account, group_id, sender)
    );
    INSERT INTO signal_sender_keys_v2 SELECT '', group_id, sender, record FROM signal_sender_keys;
    DROP TABLE signal_sender_keys;
    ALTER TABLE signal_sender_keys_v2 RENAME TO signal_sender_keys;",
];

/// Brings the Signal schema to the newest version inside one transaction.
pub(super) fn migrate(conn: &mut rusqlite::Connection) -> Result<u32, crate::store::StoreError> {
    super::schema::migrate(conn, COMPONENT, MIGRATIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_rows_move_to_the_default_account() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE wazap_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
             INSERT INTO wazap_schema VALUES ('signal', 1);",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "INSERT INTO signal_local_identity VALUES (0, x'01', x'02', 7);
             INSERT INTO signal_pre_keys VALUES (5, x'03', x'04');
             INSERT INTO signal_sessions VALUES ('a.1', x'05');
             INSERT INTO signal_sender_keys VALUES ('g', 'a.1', x'06');",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), 2);
        let (account, reg): (String, u32) = conn
            .query_row("SELECT account, registration_id FROM signal_local_identity", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((account.as_str(), reg), ("", 7));
        for table in ["signal_pre_keys", "signal_sessions", "signal_sender_keys"] {
            let n: i64 = conn
                .query_row(&format!("SELECT COUNT(*) FROM {table} WHERE account = ''"), [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(n, 1, "{table}");
        }
        // Two accounts may now hold the same prekey id.
        conn.execute("INSERT INTO signal_pre_keys VALUES ('other', 5, x'03', x'04')", []).unwrap();
    }
}
