//! The SQLite [`MessagingStore`]: one account's rows in the tables of the device schema's
//! version 2 (see `sqlite_device`), in the same file and connection as its device.
use std::sync::Arc;

use rusqlite::{params, OptionalExtension};

use super::device::Shared;
use crate::binary::Jid;
use crate::signal::store::StoreError;
use crate::store::{
    DeviceList, MessagingStore, PollRecord, PollVoteRecord, SentRecord, RETRY_BUFFER_SIZE,
};

/// One account's messaging caches in a [`super::SqliteStore`].
pub struct SqliteMessagingStore {
    shared: Arc<Shared>,
    account: String,
}

impl SqliteMessagingStore {
    pub(super) fn new(shared: Arc<Shared>, account: String) -> Self {
        Self { shared, account }
    }
}

fn parse_jid(text: &str, what: &'static str) -> Result<Jid, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

impl MessagingStore for SqliteMessagingStore {
    fn put_lid_mapping(&self, pn_user: &str, lid_user: &str) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        // A LID belongs to one number: an older pair naming it goes.
        tx.execute(
            "DELETE FROM wazap_lid_map WHERE account = ?1 AND lid_user = ?2 AND pn_user != ?3",
            params![self.account, lid_user, pn_user],
        )?;
        tx.execute(
            "INSERT INTO wazap_lid_map (account, pn_user, lid_user) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, pn_user) DO UPDATE SET lid_user = excluded.lid_user",
            params![self.account, pn_user, lid_user],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn lid_mappings(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.shared.lock()?;
        let mut stmt =
            conn.prepare_cached("SELECT pn_user, lid_user FROM wazap_lid_map WHERE account = ?1")?;
        let pairs = stmt
            .query_map([&self.account], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        Ok(pairs)
    }

    fn device_list(&self, user: &Jid) -> Result<Option<DeviceList>, StoreError> {
        let conn = self.shared.lock()?;
        let row: Option<(String, String, u64)> = conn
            .prepare_cached(
                "SELECT devices, phash, fetched_at FROM wazap_device_lists
                 WHERE account = ?1 AND user_jid = ?2",
            )?
            .query_row(params![self.account, user.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((devices, phash, timestamp)) = row else { return Ok(None) };
        let devices = devices
            .split(',')
            .filter(|d| !d.is_empty())
            .map(|d| parse_jid(d, "device list"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(DeviceList { devices, phash, timestamp }))
    }

    fn put_device_list(&self, user: &Jid, list: &DeviceList) -> Result<(), StoreError> {
        let devices: Vec<String> = list.devices.iter().map(Jid::to_string).collect();
        self.shared
            .lock()?
            .prepare_cached(
                "INSERT INTO wazap_device_lists (account, user_jid, devices, phash, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account, user_jid) DO UPDATE SET devices = excluded.devices,
                 phash = excluded.phash, fetched_at = excluded.fetched_at",
            )?
            .execute(params![
                self.account,
                user.to_string(),
                devices.join(","),
                list.phash,
                list.timestamp
            ])?;
        Ok(())
    }

    fn delete_device_list(&self, user: &Jid) -> Result<(), StoreError> {
        self.shared.lock()?.execute(
            "DELETE FROM wazap_device_lists WHERE account = ?1 AND user_jid = ?2",
            params![self.account, user.to_string()],
        )?;
        Ok(())
    }

    fn put_sent_message(&self, id: &str, record: &SentRecord) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        // One transaction: one sync to disk for the insert and the eviction.
        let tx = conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO wazap_sent_messages (account, id, seq, chat, message)
             VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM wazap_sent_messages
                              WHERE account = ?1), ?3, ?4)
             ON CONFLICT (account, id) DO UPDATE SET chat = excluded.chat,
                 message = excluded.message",
        )?
        .execute(params![self.account, id, record.chat.to_string(), record.message])?;
        tx.prepare_cached(
            "DELETE FROM wazap_sent_messages WHERE account = ?1 AND seq <= (
                 SELECT MAX(seq) FROM wazap_sent_messages WHERE account = ?1) - ?2",
        )?
        .execute(params![self.account, RETRY_BUFFER_SIZE as i64])?;
        tx.commit()?;
        Ok(())
    }

    fn sent_message(&self, id: &str) -> Result<Option<SentRecord>, StoreError> {
        let conn = self.shared.lock()?;
        let row: Option<(String, Vec<u8>)> = conn
            .prepare_cached(
                "SELECT chat, message FROM wazap_sent_messages WHERE account = ?1 AND id = ?2",
            )?
            .query_row(params![self.account, id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(chat, message)| Ok(SentRecord { chat: parse_jid(&chat, "sent chat")?, message }))
            .transpose()
    }

    fn sender_key_holders(&self, group: &Jid) -> Result<Vec<Jid>, StoreError> {
        let conn = self.shared.lock()?;
        let mut stmt = conn.prepare_cached(
            "SELECT device FROM wazap_sender_key_holders WHERE account = ?1 AND group_jid = ?2
             ORDER BY device",
        )?;
        let devices = stmt
            .query_map(params![self.account, group.to_string()], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        devices.iter().map(|d| parse_jid(d, "sender key holder")).collect()
    }

    fn add_sender_key_holders(
        &self,
        group: &Jid,
        reset: bool,
        holders: &[Jid],
    ) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        let group = group.to_string();
        if reset {
            tx.execute(
                "DELETE FROM wazap_sender_key_holders WHERE account = ?1 AND group_jid = ?2",
                params![self.account, group],
            )?;
        }
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO wazap_sender_key_holders (account, group_jid, device)
                 VALUES (?1, ?2, ?3)",
            )?;
            for holder in holders {
                insert.execute(params![self.account, group, holder.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn put_poll(&self, poll: &PollRecord) -> Result<(), StoreError> {
        super::polls::put(&*self.shared.lock()?, &self.account, poll)
    }

    fn poll(&self, id: &str) -> Result<Option<PollRecord>, StoreError> {
        super::polls::get(&*self.shared.lock()?, &self.account, id)
    }

    fn put_poll_vote(&self, poll_id: &str, vote: &PollVoteRecord) -> Result<(), StoreError> {
        super::polls::put_vote(&*self.shared.lock()?, &self.account, poll_id, vote)
    }

    fn poll_votes(&self, poll_id: &str) -> Result<Vec<PollVoteRecord>, StoreError> {
        super::polls::votes(&*self.shared.lock()?, &self.account, poll_id)
    }

    fn clear(&self) -> Result<(), StoreError> {
        let mut conn = self.shared.lock()?;
        let tx = conn.transaction()?;
        for table in [
            "wazap_lid_map",
            "wazap_device_lists",
            "wazap_sent_messages",
            "wazap_sender_key_holders",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE account = ?1"), [&self.account])?;
        }
        super::polls::clear(&tx, &self.account)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeviceStore, SqliteStore};

    #[test]
    fn caches_survive_reopening_and_accounts_are_separate() {
        let dir = std::env::temp_dir().join(format!("wazap-msg-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        let group: Jid = "1-2@g.us".parse().unwrap();
        let holder: Jid = "111:2@s.whatsapp.net".parse().unwrap();
        let chat: Jid = "222@s.whatsapp.net".parse().unwrap();
        {
            let store = SqliteStore::open(&path).unwrap();
            let a = store.account("a").messaging_store().unwrap();
            a.put_lid_mapping("111", "900").unwrap();
            a.put_sent_message("ID1", &SentRecord { chat: chat.clone(), message: vec![7] })
                .unwrap();
            a.add_sender_key_holders(&group, true, std::slice::from_ref(&holder)).unwrap();
            let b = store.account("b").messaging_store().unwrap();
            b.put_lid_mapping("333", "901").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let a = store.account("a").messaging_store().unwrap();
        assert_eq!(a.lid_mappings().unwrap(), vec![("111".into(), "900".into())]);
        assert_eq!(a.sent_message("ID1").unwrap(), Some(SentRecord { chat, message: vec![7] }));
        assert_eq!(a.sender_key_holders(&group).unwrap(), vec![holder]);
        // Deleting a's device clears its caches, not b's.
        store.account("a").delete_device().unwrap();
        assert!(a.lid_mappings().unwrap().is_empty());
        assert!(a.sent_message("ID1").unwrap().is_none());
        let b = store.account("b").messaging_store().unwrap();
        assert_eq!(b.lid_mappings().unwrap(), vec![("333".into(), "901".into())]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_corrupt_row_is_a_typed_error() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = store.account("a").messaging_store().unwrap();
        store
            .shared_for_tests()
            .lock()
            .unwrap()
            .execute("INSERT INTO wazap_sent_messages VALUES ('a', 'X', 1, '@@bad', x'00')", [])
            .unwrap();
        assert!(matches!(a.sent_message("X"), Err(StoreError::Corrupt("sent chat"))));
    }
}
