//! Versioned schemas on PostgreSQL: each component (the core's store, the REST server's
//! tables) keeps its version in `wazap_schema`, as in a SQLite file. Migrations run at start in
//! one transaction under an advisory lock, so instances starting together on one database
//! apply each step once; a database written by a newer wazap is refused.
use tokio_postgres::Client;

use crate::store::StoreError;

/// The advisory lock key that serialises migrations (any constant shared by all instances).
const MIGRATION_LOCK: i64 = 0x7761_7a61_705f_6462; // "wazap_db"

/// The core store's component name in `wazap_schema`.
pub(super) const COMPONENT: &str = "store";

/// Each entry upgrades the core store's schema by one version; applied entries are never
/// edited, new ones are appended. Every table is keyed by the account name first (one
/// database, many accounts); ids the protocol keeps as u32 are BIGINT (PostgreSQL has no
/// unsigned types).
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: devices, Signal state, messaging caches, polls, edge routing and app state.
    "CREATE TABLE wazap_devices (
        account TEXT PRIMARY KEY,
        noise_private BYTEA NOT NULL,
        identity_private BYTEA NOT NULL,
        registration_id BIGINT NOT NULL,
        signed_pre_key_id BIGINT NOT NULL,
        signed_pre_key_private BYTEA NOT NULL,
        signed_pre_key_signature BYTEA NOT NULL,
        adv_secret BYTEA NOT NULL,
        next_pre_key_id BIGINT NOT NULL,
        account_identity BYTEA,
        jid TEXT,
        lid TEXT,
        push_name TEXT NOT NULL DEFAULT '',
        platform TEXT NOT NULL DEFAULT '',
        business_name TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE wazap_edge_routing (
        account TEXT PRIMARY KEY,
        routing_info BYTEA NOT NULL
    );
    CREATE TABLE signal_local_identity (
        account TEXT PRIMARY KEY,
        public BYTEA NOT NULL,
        private BYTEA NOT NULL,
        registration_id BIGINT NOT NULL
    );
    CREATE TABLE signal_identities (
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        public BYTEA NOT NULL,
        PRIMARY KEY (account, address)
    );
    CREATE TABLE signal_pre_keys (
        account TEXT NOT NULL,
        id BIGINT NOT NULL,
        public BYTEA NOT NULL,
        private BYTEA NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE TABLE signal_signed_pre_keys (
        account TEXT NOT NULL,
        id BIGINT NOT NULL,
        public BYTEA NOT NULL,
        private BYTEA NOT NULL,
        signature BYTEA NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE TABLE signal_sessions (
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        record BYTEA NOT NULL,
        PRIMARY KEY (account, address)
    );
    CREATE TABLE signal_sender_keys (
        account TEXT NOT NULL,
        group_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        record BYTEA NOT NULL,
        PRIMARY KEY (account, group_id, sender)
    );
    CREATE TABLE wazap_lid_map (
        account TEXT NOT NULL,
        pn_user TEXT NOT NULL,
        lid_user TEXT NOT NULL,
        PRIMARY KEY (account, pn_user),
        UNIQUE (account, lid_user)
    );
    CREATE TABLE wazap_device_lists (
        account TEXT NOT NULL,
        user_jid TEXT NOT NULL,
        devices TEXT[] NOT NULL,
        phash TEXT NOT NULL,
        fetched_at BIGINT NOT NULL,
        PRIMARY KEY (account, user_jid)
    );
    CREATE TABLE wazap_sent_messages (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        seq BIGSERIAL NOT NULL,
        chat TEXT NOT NULL,
        message BYTEA NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE INDEX wazap_sent_messages_seq ON wazap_sent_messages (account, seq);
    CREATE TABLE wazap_sender_key_holders (
        account TEXT NOT NULL,
        group_jid TEXT NOT NULL,
        device TEXT NOT NULL,
        PRIMARY KEY (account, group_jid, device)
    );
    CREATE TABLE wazap_polls (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        chat TEXT NOT NULL,
        sender TEXT NOT NULL,
        secret BYTEA NOT NULL,
        name TEXT NOT NULL,
        options TEXT[] NOT NULL,
        selectable BIGINT NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE TABLE wazap_poll_votes (
        account TEXT NOT NULL,
        poll_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        selected BYTEA NOT NULL,
        timestamp_ms BIGINT NOT NULL,
        PRIMARY KEY (account, poll_id, voter)
    );
    CREATE TABLE wazap_app_state_keys (
        account TEXT NOT NULL,
        key_id BYTEA NOT NULL,
        key_data BYTEA NOT NULL,
        timestamp_ms BIGINT NOT NULL,
        PRIMARY KEY (account, key_id)
    );
    CREATE TABLE wazap_app_state_versions (
        account TEXT NOT NULL,
        collection TEXT NOT NULL,
        version BIGINT NOT NULL,
        hash BYTEA NOT NULL,
        PRIMARY KEY (account, collection)
    );
    CREATE TABLE wazap_app_state_macs (
        account TEXT NOT NULL,
        collection TEXT NOT NULL,
        index_mac BYTEA NOT NULL,
        value_mac BYTEA NOT NULL,
        PRIMARY KEY (account, collection, index_mac)
    );
    CREATE TABLE wazap_contacts (
        account TEXT NOT NULL,
        jid TEXT NOT NULL,
        full_name TEXT,
        first_name TEXT,
        push_name TEXT,
        business_name TEXT,
        PRIMARY KEY (account, jid)
    );
    CREATE TABLE wazap_chat_settings (
        account TEXT NOT NULL,
        chat TEXT NOT NULL,
        muted_until_ms BIGINT,
        pinned BOOLEAN NOT NULL,
        archived BOOLEAN NOT NULL,
        marked_unread BOOLEAN NOT NULL,
        labels TEXT[] NOT NULL,
        PRIMARY KEY (account, chat)
    );
    CREATE TABLE wazap_labels (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        color INTEGER NOT NULL,
        deleted BOOLEAN NOT NULL,
        PRIMARY KEY (account, id)
    );",
];

/// The tables holding an account's rows, deleted with its device.
pub(super) const ACCOUNT_TABLES: &[&str] = &[
    "signal_local_identity",
    "signal_identities",
    "signal_pre_keys",
    "signal_signed_pre_keys",
    "signal_sessions",
    "signal_sender_keys",
    "wazap_lid_map",
    "wazap_device_lists",
    "wazap_sent_messages",
    "wazap_sender_key_holders",
    "wazap_polls",
    "wazap_poll_votes",
    "wazap_app_state_keys",
    "wazap_app_state_versions",
    "wazap_app_state_macs",
    "wazap_contacts",
    "wazap_chat_settings",
    "wazap_labels",
    "wazap_edge_routing",
];

/// Brings `component` to the newest of `migrations` in one transaction; returns the version
/// reached. Used by the core store and by programs that keep their own tables beside it.
pub async fn migrate(
    client: &mut Client,
    component: &str,
    migrations: &[&str],
) -> Result<u32, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS wazap_schema (
            component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    )
    .await?;
    let current: i32 = tx
        .query_opt("SELECT version FROM wazap_schema WHERE component = $1", &[&component])
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(0);
    let newest = migrations.len() as u32;
    let current = current.max(0) as u32;
    if current > newest {
        return Err(StoreError::SchemaTooNew { found: current, supported: newest });
    }
    for sql in &migrations[current as usize..] {
        tx.batch_execute(sql).await?;
    }
    tx.execute(
        "INSERT INTO wazap_schema (component, version) VALUES ($1, $2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        &[&component, &(newest as i32)],
    )
    .await?;
    tx.commit().await?;
    Ok(newest)
}
