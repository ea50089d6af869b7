//! The PostgreSQL [`AppStateStore`] of one account. [`AppStateStore::apply`] is one
//! transaction, as in SQLite.
//!
//! What a change does to the contact, chat and label rows is decided in one place,
//! [`crate::store::app_state::fold`], through the synchronous [`Rows`] trait. Here a batch is
//! folded twice: first over [`Recorder`], which answers "no row" and notes which contacts and
//! chats the changes read (a change reads exactly the rows it then writes, whatever they
//! hold); those rows are then read in the transaction (`FOR UPDATE`), the batch is folded over
//! [`Cache`] holding them, and the rows it changed are written back before the commit.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use tokio_postgres::Row;

use super::Db;
use crate::appstate::{Collection, HashState, LtHash};
use crate::binary::Jid;
use crate::signal::store::StoreError;
use crate::store::app_state::{fold, fold_push_name, is_default, Rows};
use crate::store::decode::parse_jid;
use crate::store::{AppStateKey, AppStateStore, ChatSettings, CollectionUpdate, Contact, Label};

pub struct PostgresAppStateStore {
    db: Arc<Db>,
    account: String,
}

impl PostgresAppStateStore {
    pub(super) fn new(db: Arc<Db>, account: String) -> Self {
        Self { db, account }
    }

    fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        self.db.run(async {
            let client = self.db.client().await?;
            let stmt = client.prepare_cached(sql).await?;
            Ok(client.query(&stmt, params).await?)
        })
    }

    /// Folds `changes` into the contact, chat and label rows inside `tx` (see the module doc).
    async fn fold_rows(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        changes: impl Fn(&mut dyn Rows) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut recorder = Recorder::default();
        changes(&mut recorder)?;
        let mut cache = Cache::default();
        if !recorder.contacts.is_empty() {
            let jids: Vec<&String> = recorder.contacts.iter().collect();
            let sql = format!(
                "SELECT {CONTACT_COLUMNS} FROM wazap_contacts WHERE account = $1
                 AND jid = ANY($2) FOR UPDATE"
            );
            for row in tx.query(&sql, &[&self.account, &jids]).await? {
                let contact = to_contact(&row)?;
                cache.contacts.insert(contact.jid.to_string(), contact);
            }
        }
        if !recorder.chats.is_empty() {
            let chats: Vec<&String> = recorder.chats.iter().collect();
            let sql = format!(
                "SELECT {CHAT_COLUMNS} FROM wazap_chat_settings WHERE account = $1
                 AND chat = ANY($2) FOR UPDATE"
            );
            for row in tx.query(&sql, &[&self.account, &chats]).await? {
                let chat = to_chat(&row)?;
                cache.chats.insert(chat.chat.to_string(), chat);
            }
        }
        changes(&mut cache)?;
        for jid in &cache.dirty_contacts {
            let c = &cache.contacts[jid];
            tx.execute(
                "INSERT INTO wazap_contacts (account, jid, full_name, first_name, push_name,
                     business_name) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (account, jid) DO UPDATE SET full_name = excluded.full_name,
                     first_name = excluded.first_name, push_name = excluded.push_name,
                     business_name = excluded.business_name",
                &[&self.account, jid, &c.full_name, &c.first_name, &c.push_name, &c.business_name],
            )
            .await?;
        }
        for chat in &cache.dirty_chats {
            let s = &cache.chats[chat];
            if is_default(s) {
                tx.execute(
                    "DELETE FROM wazap_chat_settings WHERE account = $1 AND chat = $2",
                    &[&self.account, chat],
                )
                .await?;
                continue;
            }
            tx.execute(
                "INSERT INTO wazap_chat_settings (account, chat, muted_until_ms, pinned,
                     archived, marked_unread, labels) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (account, chat) DO UPDATE SET
                     muted_until_ms = excluded.muted_until_ms, pinned = excluded.pinned,
                     archived = excluded.archived, marked_unread = excluded.marked_unread,
                     labels = excluded.labels",
                &[
                    &self.account,
                    chat,
                    &s.muted_until_ms,
                    &s.pinned,
                    &s.archived,
                    &s.marked_unread,
                    &s.labels,
                ],
            )
            .await?;
        }
        for l in cache.labels.values() {
            tx.execute(
                "INSERT INTO wazap_labels (account, id, name, color, deleted)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account, id) DO UPDATE SET name = excluded.name,
                     color = excluded.color, deleted = excluded.deleted",
                &[&self.account, &l.id, &l.name, &l.color, &l.deleted],
            )
            .await?;
        }
        Ok(())
    }
}

/// The dry run: which contacts and chats a batch reads.
#[derive(Default)]
struct Recorder {
    contacts: BTreeSet<String>,
    chats: BTreeSet<String>,
}

impl Rows for Recorder {
    fn contact(&mut self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        self.contacts.insert(jid.to_non_ad().to_string());
        Ok(None)
    }
    fn put_contact(&mut self, _: &Contact) -> Result<(), StoreError> {
        Ok(())
    }
    fn chat(&mut self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        self.chats.insert(chat.to_string());
        Ok(None)
    }
    fn put_chat(&mut self, _: &ChatSettings) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_label(&mut self, _: &Label) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The rows a batch reads, as they stand after each of its changes.
#[derive(Default)]
struct Cache {
    contacts: HashMap<String, Contact>,
    chats: HashMap<String, ChatSettings>,
    dirty_contacts: BTreeSet<String>,
    dirty_chats: BTreeSet<String>,
    /// Labels by id, the last edit of each.
    labels: BTreeMap<String, Label>,
}

impl Rows for Cache {
    fn contact(&mut self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        Ok(self.contacts.get(&jid.to_non_ad().to_string()).cloned())
    }
    fn put_contact(&mut self, contact: &Contact) -> Result<(), StoreError> {
        let key = contact.jid.to_string();
        self.dirty_contacts.insert(key.clone());
        self.contacts.insert(key, contact.clone());
        Ok(())
    }
    fn chat(&mut self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        Ok(self.chats.get(&chat.to_string()).cloned())
    }
    fn put_chat(&mut self, settings: &ChatSettings) -> Result<(), StoreError> {
        let key = settings.chat.to_string();
        self.dirty_chats.insert(key.clone());
        self.chats.insert(key, settings.clone());
        Ok(())
    }
    fn put_label(&mut self, label: &Label) -> Result<(), StoreError> {
        self.labels.insert(label.id.clone(), label.clone());
        Ok(())
    }
}

fn mac32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt("app state MAC"))
}

const CONTACT_COLUMNS: &str = "jid, full_name, first_name, push_name, business_name";
const CHAT_COLUMNS: &str = "chat, muted_until_ms, pinned, archived, marked_unread, labels";

fn to_contact(r: &Row) -> Result<Contact, StoreError> {
    Ok(Contact {
        jid: parse_jid(&r.try_get::<_, String>(0)?, "contact jid")?,
        full_name: r.try_get(1)?,
        first_name: r.try_get(2)?,
        push_name: r.try_get(3)?,
        business_name: r.try_get(4)?,
    })
}

fn to_chat(r: &Row) -> Result<ChatSettings, StoreError> {
    Ok(ChatSettings {
        chat: parse_jid(&r.try_get::<_, String>(0)?, "chat jid")?,
        muted_until_ms: r.try_get(1)?,
        pinned: r.try_get(2)?,
        archived: r.try_get(3)?,
        marked_unread: r.try_get(4)?,
        labels: r.try_get(5)?,
    })
}

fn to_key(r: &Row) -> Result<AppStateKey, StoreError> {
    Ok(AppStateKey { id: r.try_get(0)?, data: r.try_get(1)?, timestamp_ms: r.try_get(2)? })
}

const TABLES: [&str; 6] = [
    "wazap_app_state_keys",
    "wazap_app_state_versions",
    "wazap_app_state_macs",
    "wazap_contacts",
    "wazap_chat_settings",
    "wazap_labels",
];

impl AppStateStore for PostgresAppStateStore {
    fn put_keys(&self, keys: &[AppStateKey]) -> Result<(), StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            let insert = tx
                .prepare_cached(
                    "INSERT INTO wazap_app_state_keys (account, key_id, key_data, timestamp_ms)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (account, key_id) DO UPDATE SET key_data = excluded.key_data,
                         timestamp_ms = excluded.timestamp_ms",
                )
                .await?;
            for k in keys {
                tx.execute(&insert, &[&self.account, &k.id, &k.data, &k.timestamp_ms]).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn key(&self, id: &[u8]) -> Result<Option<AppStateKey>, StoreError> {
        self.query(
            "SELECT key_id, key_data, timestamp_ms FROM wazap_app_state_keys
             WHERE account = $1 AND key_id = $2",
            &[&self.account, &id],
        )?
        .first()
        .map(to_key)
        .transpose()
    }

    fn latest_key(&self) -> Result<Option<AppStateKey>, StoreError> {
        self.query(
            "SELECT key_id, key_data, timestamp_ms FROM wazap_app_state_keys
             WHERE account = $1 ORDER BY timestamp_ms DESC, key_id DESC LIMIT 1",
            &[&self.account],
        )?
        .first()
        .map(to_key)
        .transpose()
    }

    fn collection_state(&self, collection: Collection) -> Result<HashState, StoreError> {
        let rows = self.query(
            "SELECT version, hash FROM wazap_app_state_versions
             WHERE account = $1 AND collection = $2",
            &[&self.account, &collection.as_str()],
        )?;
        let Some(r) = rows.first() else { return Ok(HashState::default()) };
        let hash: Vec<u8> = r.try_get(1)?;
        Ok(HashState {
            version: u64::try_from(r.try_get::<_, i64>(0)?)
                .map_err(|_| StoreError::Corrupt("app state version"))?,
            hash: LtHash::from_slice(&hash).ok_or(StoreError::Corrupt("app state hash"))?,
        })
    }

    fn value_macs(
        &self,
        collection: Collection,
    ) -> Result<HashMap<[u8; 32], [u8; 32]>, StoreError> {
        self.query(
            "SELECT index_mac, value_mac FROM wazap_app_state_macs
             WHERE account = $1 AND collection = $2",
            &[&self.account, &collection.as_str()],
        )?
        .iter()
        .map(|r| Ok((mac32(r.try_get(0)?)?, mac32(r.try_get(1)?)?)))
        .collect()
    }

    fn apply(&self, update: &CollectionUpdate<'_>) -> Result<(), StoreError> {
        let name = update.collection.as_str();
        let version = i64::try_from(update.state.version)
            .map_err(|_| StoreError::Corrupt("app state version"))?;
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            if update.replace {
                tx.execute(
                    "DELETE FROM wazap_app_state_macs WHERE account = $1 AND collection = $2",
                    &[&self.account, &name],
                )
                .await?;
            }
            let put = tx
                .prepare_cached(
                    "INSERT INTO wazap_app_state_macs (account, collection, index_mac, value_mac)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (account, collection, index_mac)
                     DO UPDATE SET value_mac = excluded.value_mac",
                )
                .await?;
            let remove = tx
                .prepare_cached(
                    "DELETE FROM wazap_app_state_macs
                     WHERE account = $1 AND collection = $2 AND index_mac = $3",
                )
                .await?;
            for (index, value) in &update.macs.changes {
                match value {
                    Some(v) => {
                        tx.execute(&put, &[&self.account, &name, &&index[..], &&v[..]]).await?
                    }
                    None => tx.execute(&remove, &[&self.account, &name, &&index[..]]).await?,
                };
            }
            tx.execute(
                "INSERT INTO wazap_app_state_versions (account, collection, version, hash)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account, collection) DO UPDATE SET version = excluded.version,
                     hash = excluded.hash",
                &[&self.account, &name, &version, &&update.state.hash.0[..]],
            )
            .await?;
            self.fold_rows(&tx, |rows| update.changes.iter().try_for_each(|c| fold(rows, c)))
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn reset_collection(&self, collection: Collection) -> Result<(), StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            for table in ["wazap_app_state_versions", "wazap_app_state_macs"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE account = $1 AND collection = $2"),
                    &[&self.account, &collection.as_str()],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn put_push_names(&self, names: &[(Jid, String)]) -> Result<(), StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            self.fold_rows(&tx, |rows| {
                names.iter().try_for_each(|(jid, name)| fold_push_name(rows, jid, name))
            })
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        let sql =
            format!("SELECT {CONTACT_COLUMNS} FROM wazap_contacts WHERE account = $1 ORDER BY jid COLLATE \"C\"");
        self.query(&sql, &[&self.account])?.iter().map(to_contact).collect()
    }

    fn contact(&self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        let sql =
            format!("SELECT {CONTACT_COLUMNS} FROM wazap_contacts WHERE account = $1 AND jid = $2");
        self.query(&sql, &[&self.account, &jid.to_non_ad().to_string()])?
            .first()
            .map(to_contact)
            .transpose()
    }

    fn chat_settings(&self) -> Result<Vec<ChatSettings>, StoreError> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM wazap_chat_settings WHERE account = $1 ORDER BY chat COLLATE \"C\""
        );
        self.query(&sql, &[&self.account])?.iter().map(to_chat).collect()
    }

    fn chat(&self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM wazap_chat_settings WHERE account = $1 AND chat = $2"
        );
        self.query(&sql, &[&self.account, &chat.to_string()])?.first().map(to_chat).transpose()
    }

    fn labels(&self) -> Result<Vec<Label>, StoreError> {
        self.query(
            "SELECT id, name, color, deleted FROM wazap_labels WHERE account = $1 ORDER BY id COLLATE \"C\"",
            &[&self.account],
        )?
        .iter()
        .map(|r| {
            Ok(Label {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                color: r.try_get(2)?,
                deleted: r.try_get(3)?,
            })
        })
        .collect()
    }

    fn clear(&self) -> Result<(), StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            for table in TABLES {
                tx.execute(&format!("DELETE FROM {table} WHERE account = $1"), &[&self.account])
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
