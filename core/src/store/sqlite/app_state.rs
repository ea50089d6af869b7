//! The SQLite [`AppStateStore`]: one account's app state keys, collection versions and hashes,
//! value MACs, contacts, chat settings and labels, in tables versioned under the component
//! `app_state`, in the same file and connection as its device. [`AppStateStore::apply`] is one
//! transaction.
use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::device::Shared;
use crate::appstate::{Collection, HashState, LtHash};
use crate::binary::Jid;
use crate::signal::store::StoreError;
use crate::store::app_state::{fold, fold_push_name, is_default, Rows};
use crate::store::{AppStateKey, AppStateStore, ChatSettings, CollectionUpdate, Contact, Label};

const COMPONENT: &str = "app_state";

/// Each entry upgrades the schema by one version; applied entries are never edited.
const MIGRATIONS: &[&str] = &[
    // 1: keys, per-collection versions and hashes, value MACs, and what the mutations say.
    // Labels of a chat are a JSON array of ids.
    "CREATE TABLE wazap_app_state_keys (
        account TEXT NOT NULL,
        key_id BLOB NOT NULL,
        key_data BLOB NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        PRIMARY KEY (account, key_id)
    );
    CREATE TABLE wazap_app_state_versions (
        account TEXT NOT NULL,
        collection TEXT NOT NULL,
        version INTEGER NOT NULL,
        hash BLOB NOT NULL,
        PRIMARY KEY (account, collection)
    );
    CREATE TABLE wazap_app_state_macs (
        account TEXT NOT NULL,
        collection TEXT NOT NULL,
        index_mac BLOB NOT NULL,
        value_mac BLOB NOT NULL,
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
        muted_until_ms INTEGER,
        pinned INTEGER NOT NULL,
        archived INTEGER NOT NULL,
        marked_unread INTEGER NOT NULL,
        labels TEXT NOT NULL,
        PRIMARY KEY (account, chat)
    );
    CREATE TABLE wazap_labels (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        color INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        PRIMARY KEY (account, id)
    );",
];

pub(super) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    super::schema::migrate(conn, COMPONENT, MIGRATIONS)
}

const TABLES: [&str; 6] = [
    "wazap_app_state_keys",
    "wazap_app_state_versions",
    "wazap_app_state_macs",
    "wazap_contacts",
    "wazap_chat_settings",
    "wazap_labels",
];

/// Deletes `account`'s rows (the device was deleted).
pub(super) fn delete(conn: &mut Connection, account: &str) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for table in TABLES {
        tx.execute(&format!("DELETE FROM {table} WHERE account = ?1"), [account])?;
    }
    tx.commit()?;
    Ok(())
}

/// One account's app state in a [`super::SqliteStore`].
pub struct SqliteAppStateStore {
    shared: Arc<Shared>,
    account: String,
}

impl SqliteAppStateStore {
    pub(super) fn new(shared: Arc<Shared>, account: String) -> Self {
        Self { shared, account }
    }
}

fn parse_jid(text: &str, what: &'static str) -> Result<Jid, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

fn mac32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt("app state MAC"))
}

type ContactRow = (String, Option<String>, Option<String>, Option<String>, Option<String>);

fn contact_row(r: &Row<'_>) -> rusqlite::Result<ContactRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_contact(row: ContactRow) -> Result<Contact, StoreError> {
    let (jid, full_name, first_name, push_name, business_name) = row;
    Ok(Contact {
        jid: parse_jid(&jid, "contact jid")?,
        full_name,
        first_name,
        push_name,
        business_name,
    })
}

type ChatRow = (String, Option<i64>, bool, bool, bool, String);

fn chat_row(r: &Row<'_>) -> rusqlite::Result<ChatRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn to_chat(row: ChatRow) -> Result<ChatSettings, StoreError> {
    let (chat, muted_until_ms, pinned, archived, marked_unread, labels) = row;
    Ok(ChatSettings {
        chat: parse_jid(&chat, "chat jid")?,
        muted_until_ms,
        pinned,
        archived,
        marked_unread,
        labels: serde_json::from_str(&labels).map_err(|_| StoreError::Corrupt("chat labels"))?,
    })
}

const CONTACT_COLUMNS: &str = "jid, full_name, first_name, push_name, business_name";
const CHAT_COLUMNS: &str = "chat, muted_until_ms, pinned, archived, marked_unread, labels";

/// [`Rows`] inside one transaction.
struct TxRows<'a> {
    tx: &'a Transaction<'a>,
    account: &'a str,
}

impl Rows for TxRows<'_> {
    fn contact(&mut self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        contact_in(self.tx, self.account, jid)
    }

    fn put_contact(&mut self, c: &Contact) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO wazap_contacts (account, jid, full_name, first_name, push_name,
                     business_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account, jid) DO UPDATE SET full_name = excluded.full_name,
                     first_name = excluded.first_name, push_name = excluded.push_name,
                     business_name = excluded.business_name",
            )?
            .execute(params![
                self.account,
                c.jid.to_string(),
                c.full_name,
                c.first_name,
                c.push_name,
                c.business_name
            ])?;
        Ok(())
    }

    fn chat(&mut self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        chat_in(self.tx, self.account, chat)
    }

    fn put_chat(&mut self, s: &ChatSettings) -> Result<(), StoreError> {
        if is_default(s) {
            self.tx.execute(
                "DELETE FROM wazap_chat_settings WHERE account = ?1 AND chat = ?2",
                params![self.account, s.chat.to_string()],
            )?;
            return Ok(());
        }
        let labels = serde_json::to_string(&s.labels).expect("strings serialize");
        self.tx
            .prepare_cached(
                "INSERT INTO wazap_chat_settings (account, chat, muted_until_ms, pinned,
                     archived, marked_unread, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (account, chat) DO UPDATE SET
                     muted_until_ms = excluded.muted_until_ms, pinned = excluded.pinned,
                     archived = excluded.archived, marked_unread = excluded.marked_unread,
                     labels = excluded.labels",
            )?
            .execute(params![
                self.account,
                s.chat.to_string(),
                s.muted_until_ms,
                s.pinned,
                s.archived,
                s.marked_unread,
                labels
            ])?;
        Ok(())
    }

    fn put_label(&mut self, l: &Label) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO wazap_labels (account, id, name, color, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, id) DO UPDATE SET name = excluded.name,
                     color = excluded.color, deleted = excluded.deleted",
            )?
            .execute(params![self.account, l.id, l.name, l.color, l.deleted])?;
        Ok(())
    }
}

fn contact_in(conn: &Connection, account: &str, jid: &Jid) -> Result<Option<Contact>, StoreError> {
    let sql =
        format!("SELECT {CONTACT_COLUMNS} FROM wazap_contacts WHERE account = ?1 AND jid = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![account, jid.to_non_ad().to_string()], contact_row)
        .optional()?
        .map(to_contact)
        .transpose()
}

fn chat_in(
    conn: &Connection,
    account: &str,
    chat: &Jid,
) -> Result<Option<ChatSettings>, StoreError> {
    let sql =
        format!("SELECT {CHAT_COLUMNS} FROM wazap_chat_settings WHERE account = ?1 AND chat = ?2");
    conn.prepare_cached(&sql)?
        .query_row(params![account, chat.to_string()], chat_row)
        .optional()?
        .map(to_chat)
        .transpose()
}

fn key_row(r: &Row<'_>) -> rusqlite::Result<AppStateKey> {
    Ok(AppStateKey { id: r.get(0)?, data: r.get(1)?, timestamp_ms: r.get(2)? })
}

impl AppStateStore for SqliteAppStateStore {
    fn put_keys(&self, keys: &[AppStateKey]) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO wazap_app_state_keys (account, key_id, key_data, timestamp_ms)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account, key_id) DO UPDATE SET key_data = excluded.key_data,
                     timestamp_ms = excluded.timestamp_ms",
            )?;
            for k in keys {
                insert.execute(params![self.account, k.id, k.data, k.timestamp_ms])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn key(&self, id: &[u8]) -> Result<Option<AppStateKey>, StoreError> {
        Ok(self
            .shared
            .lock()?
            .prepare_cached(
                "SELECT key_id, key_data, timestamp_ms FROM wazap_app_state_keys
                 WHERE account = ?1 AND key_id = ?2",
            )?
            .query_row(params![self.account, id], key_row)
            .optional()?)
    }

    fn latest_key(&self) -> Result<Option<AppStateKey>, StoreError> {
        Ok(self
            .shared
            .lock()?
            .prepare_cached(
                "SELECT key_id, key_data, timestamp_ms FROM wazap_app_state_keys
                 WHERE account = ?1 ORDER BY timestamp_ms DESC, key_id DESC LIMIT 1",
            )?
            .query_row([&self.account], key_row)
            .optional()?)
    }

    fn collection_state(&self, collection: Collection) -> Result<HashState, StoreError> {
        let row: Option<(u64, Vec<u8>)> = self
            .shared
            .lock()?
            .prepare_cached(
                "SELECT version, hash FROM wazap_app_state_versions
                 WHERE account = ?1 AND collection = ?2",
            )?
            .query_row(params![self.account, collection.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            None => Ok(HashState::default()),
            Some((version, hash)) => Ok(HashState {
                version,
                hash: LtHash::from_slice(&hash).ok_or(StoreError::Corrupt("app state hash"))?,
            }),
        }
    }

    fn value_macs(
        &self,
        collection: Collection,
    ) -> Result<HashMap<[u8; 32], [u8; 32]>, StoreError> {
        let conn = self.shared.lock()?;
        let mut stmt = conn.prepare_cached(
            "SELECT index_mac, value_mac FROM wazap_app_state_macs
             WHERE account = ?1 AND collection = ?2",
        )?;
        let rows = stmt
            .query_map(params![self.account, collection.as_str()], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(i, v)| Ok((mac32(i)?, mac32(v)?))).collect()
    }

    fn apply(&self, update: &CollectionUpdate<'_>) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        let name = update.collection.as_str();
        if update.replace {
            tx.execute(
                "DELETE FROM wazap_app_state_macs WHERE account = ?1 AND collection = ?2",
                params![self.account, name],
            )?;
        }
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO wazap_app_state_macs (account, collection, index_mac, value_mac)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account, collection, index_mac)
                 DO UPDATE SET value_mac = excluded.value_mac",
            )?;
            let mut remove = tx.prepare_cached(
                "DELETE FROM wazap_app_state_macs
                 WHERE account = ?1 AND collection = ?2 AND index_mac = ?3",
            )?;
            for (index, value) in &update.macs.changes {
                match value {
                    Some(v) => put.execute(params![self.account, name, &index[..], &v[..]])?,
                    None => remove.execute(params![self.account, name, &index[..]])?,
                };
            }
        }
        tx.execute(
            "INSERT INTO wazap_app_state_versions (account, collection, version, hash)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, collection) DO UPDATE SET version = excluded.version,
                 hash = excluded.hash",
            params![self.account, name, update.state.version, &update.state.hash.0[..]],
        )?;
        {
            let mut rows = TxRows { tx: &tx, account: &self.account };
            for change in update.changes {
                fold(&mut rows, change)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn reset_collection(&self, collection: Collection) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        for table in ["wazap_app_state_versions", "wazap_app_state_macs"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE account = ?1 AND collection = ?2"),
                params![self.account, collection.as_str()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn put_push_names(&self, names: &[(Jid, String)]) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        {
            let mut rows = TxRows { tx: &tx, account: &self.account };
            for (jid, name) in names {
                fold_push_name(&mut rows, jid, name)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        let conn = self.shared.lock()?;
        let sql =
            format!("SELECT {CONTACT_COLUMNS} FROM wazap_contacts WHERE account = ?1 ORDER BY jid");
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([&self.account], contact_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_contact).collect()
    }

    fn contact(&self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        contact_in(&*self.shared.lock()?, &self.account, jid)
    }

    fn chat_settings(&self) -> Result<Vec<ChatSettings>, StoreError> {
        let conn = self.shared.lock()?;
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM wazap_chat_settings WHERE account = ?1 ORDER BY chat"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([&self.account], chat_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_chat).collect()
    }

    fn chat(&self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        chat_in(&*self.shared.lock()?, &self.account, chat)
    }

    fn labels(&self) -> Result<Vec<Label>, StoreError> {
        let conn = self.shared.lock()?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, color, deleted FROM wazap_labels WHERE account = ?1 ORDER BY id",
        )?;
        let labels = stmt
            .query_map([&self.account], |r| {
                Ok(Label { id: r.get(0)?, name: r.get(1)?, color: r.get(2)?, deleted: r.get(3)? })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(labels)
    }

    fn clear(&self) -> Result<(), StoreError> {
        delete(&mut *self.shared.lock()?, &self.account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeviceStore, SqliteStore};

    #[test]
    fn app_state_survives_reopening_and_accounts_are_separate() {
        let dir = std::env::temp_dir().join(format!("wazap-appstate-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        let ann: Jid = "111@s.whatsapp.net".parse().unwrap();
        {
            let store = SqliteStore::open(&path).unwrap();
            let a = store.account("a").app_state_store().unwrap();
            a.put_keys(&[AppStateKey { id: vec![1; 6], data: vec![2; 32], timestamp_ms: 5 }])
                .unwrap();
            a.put_push_names(&[(ann.clone(), "Ann".into())]).unwrap();
            let b = store.account("b").app_state_store().unwrap();
            b.put_push_names(&[(ann.clone(), "Other".into())]).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let a = store.account("a").app_state_store().unwrap();
        assert_eq!(a.latest_key().unwrap().unwrap().data, vec![2; 32]);
        assert_eq!(a.contact(&ann).unwrap().unwrap().push_name.as_deref(), Some("Ann"));
        store.account("a").delete_device().unwrap();
        assert!(a.latest_key().unwrap().is_none());
        assert!(a.contacts().unwrap().is_empty());
        let b = store.account("b").app_state_store().unwrap();
        assert_eq!(b.contact(&ann).unwrap().unwrap().push_name.as_deref(), Some("Other"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
