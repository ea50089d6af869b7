//! The PostgreSQL [`MessagingStore`] of one account: the LID map, device lists, the bounded
//! retry buffer, sender key holders, polls and their votes.
use std::sync::Arc;

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::Db;
use crate::binary::Jid;
use crate::signal::store::StoreError;
use crate::store::decode::{option_hashes, parse_jid};
use crate::store::{
    DeviceList, MessagingStore, PollRecord, PollVoteRecord, SentRecord, RETRY_BUFFER_SIZE,
};

pub struct PostgresMessagingStore {
    db: Arc<Db>,
    account: String,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PostgresMessagingStore {
    pub(super) fn new(db: Arc<Db>, account: String) -> Self {
        Self { db, account }
    }

    fn query(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, StoreError> {
        self.db.run(async {
            let client = self.db.client().await?;
            let stmt = client.prepare_cached(sql).await?;
            Ok(client.query(&stmt, params).await?)
        })
    }

    fn execute(&self, sql: &str, params: Params<'_>) -> Result<(), StoreError> {
        self.db.run(async {
            let client = self.db.client().await?;
            let stmt = client.prepare_cached(sql).await?;
            client.execute(&stmt, params).await?;
            Ok(())
        })
    }

    /// Runs `statements` in order in one transaction.
    fn transaction(&self, statements: &[(&str, Params<'_>)]) -> Result<(), StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            for (sql, params) in statements {
                let stmt = tx.prepare_cached(sql).await?;
                tx.execute(&stmt, params).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

impl MessagingStore for PostgresMessagingStore {
    fn put_lid_mapping(&self, pn_user: &str, lid_user: &str) -> Result<(), StoreError> {
        self.transaction(&[
            (
                "DELETE FROM wazap_lid_map WHERE account = $1 AND lid_user = $2 AND pn_user <> $3",
                &[&self.account, &lid_user, &pn_user],
            ),
            (
                "INSERT INTO wazap_lid_map (account, pn_user, lid_user) VALUES ($1, $2, $3)
                 ON CONFLICT (account, pn_user) DO UPDATE SET lid_user = excluded.lid_user",
                &[&self.account, &pn_user, &lid_user],
            ),
        ])
    }

    fn lid_mappings(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.query(
            "SELECT pn_user, lid_user FROM wazap_lid_map WHERE account = $1",
            &[&self.account],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    fn device_list(&self, user: &Jid) -> Result<Option<DeviceList>, StoreError> {
        let rows = self.query(
            "SELECT devices, phash, fetched_at FROM wazap_device_lists
             WHERE account = $1 AND user_jid = $2",
            &[&self.account, &user.to_string()],
        )?;
        let Some(row) = rows.first() else { return Ok(None) };
        let devices = row
            .try_get::<_, Vec<String>>(0)?
            .iter()
            .map(|d| parse_jid(d, "device list"))
            .collect::<Result<Vec<_>, _>>()?;
        let timestamp = u64::try_from(row.try_get::<_, i64>(2)?)
            .map_err(|_| StoreError::Corrupt("device list time"))?;
        Ok(Some(DeviceList { devices, phash: row.try_get(1)?, timestamp }))
    }

    fn put_device_list(&self, user: &Jid, list: &DeviceList) -> Result<(), StoreError> {
        let devices: Vec<String> = list.devices.iter().map(Jid::to_string).collect();
        let fetched_at = i64::try_from(list.timestamp).unwrap_or(i64::MAX);
        self.execute(
            "INSERT INTO wazap_device_lists (account, user_jid, devices, phash, fetched_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, user_jid) DO UPDATE SET devices = excluded.devices,
                 phash = excluded.phash, fetched_at = excluded.fetched_at",
            &[&self.account, &user.to_string(), &devices, &list.phash, &fetched_at],
        )
    }

    fn delete_device_list(&self, user: &Jid) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM wazap_device_lists WHERE account = $1 AND user_jid = $2",
            &[&self.account, &user.to_string()],
        )
    }

    fn put_sent_message(&self, id: &str, record: &SentRecord) -> Result<(), StoreError> {
        // `seq` comes from a sequence shared by all accounts, so it orders an account's rows
        // without reading its maximum first; a replaced id keeps its place (as in SQLite).
        self.transaction(&[
            (
                "INSERT INTO wazap_sent_messages (account, id, chat, message)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account, id) DO UPDATE SET chat = excluded.chat,
                     message = excluded.message",
                &[&self.account, &id, &record.chat.to_string(), &record.message],
            ),
            (
                "DELETE FROM wazap_sent_messages WHERE account = $1 AND seq <= (
                     SELECT seq FROM wazap_sent_messages WHERE account = $1
                     ORDER BY seq DESC OFFSET $2 LIMIT 1)",
                &[&self.account, &(RETRY_BUFFER_SIZE as i64)],
            ),
        ])
    }

    fn sent_message(&self, id: &str) -> Result<Option<SentRecord>, StoreError> {
        let rows = self.query(
            "SELECT chat, message FROM wazap_sent_messages WHERE account = $1 AND id = $2",
            &[&self.account, &id],
        )?;
        rows.first()
            .map(|r| {
                let chat: String = r.try_get(0)?;
                Ok(SentRecord { chat: parse_jid(&chat, "sent chat")?, message: r.try_get(1)? })
            })
            .transpose()
    }

    fn sender_key_holders(&self, group: &Jid) -> Result<Vec<Jid>, StoreError> {
        self.query(
            "SELECT device FROM wazap_sender_key_holders WHERE account = $1 AND group_jid = $2
             ORDER BY device COLLATE \"C\"",
            &[&self.account, &group.to_string()],
        )?
        .iter()
        .map(|r| parse_jid(&r.try_get::<_, String>(0)?, "sender key holder"))
        .collect()
    }

    fn add_sender_key_holders(
        &self,
        group: &Jid,
        reset: bool,
        holders: &[Jid],
    ) -> Result<(), StoreError> {
        let group = group.to_string();
        let devices: Vec<String> = holders.iter().map(Jid::to_string).collect();
        let mut statements: Vec<(&str, Params<'_>)> = Vec::new();
        let delete: Params<'_> = &[&self.account, &group];
        if reset {
            statements.push((
                "DELETE FROM wazap_sender_key_holders WHERE account = $1 AND group_jid = $2",
                delete,
            ));
        }
        let insert: Params<'_> = &[&self.account, &group, &devices];
        statements.push((
            "INSERT INTO wazap_sender_key_holders (account, group_jid, device)
             SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING",
            insert,
        ));
        self.transaction(&statements)
    }

    fn put_poll(&self, poll: &PollRecord) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO wazap_polls (account, id, chat, sender, secret, name, options, selectable)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account, id) DO NOTHING",
            &[
                &self.account,
                &poll.id,
                &poll.chat.to_string(),
                &poll.sender.to_string(),
                &poll.secret,
                &poll.name,
                &poll.options,
                &i64::from(poll.selectable),
            ],
        )
    }

    fn poll(&self, id: &str) -> Result<Option<PollRecord>, StoreError> {
        let rows = self.query(
            "SELECT chat, sender, secret, name, options, selectable FROM wazap_polls
             WHERE account = $1 AND id = $2",
            &[&self.account, &id],
        )?;
        let Some(r) = rows.first() else { return Ok(None) };
        Ok(Some(PollRecord {
            id: id.to_owned(),
            chat: parse_jid(&r.try_get::<_, String>(0)?, "poll chat")?,
            sender: parse_jid(&r.try_get::<_, String>(1)?, "poll sender")?,
            secret: r.try_get(2)?,
            name: r.try_get(3)?,
            options: r.try_get(4)?,
            selectable: u32::try_from(r.try_get::<_, i64>(5)?)
                .map_err(|_| StoreError::Corrupt("poll selectable"))?,
        }))
    }

    fn put_poll_vote(&self, poll_id: &str, vote: &PollVoteRecord) -> Result<(), StoreError> {
        let selected: Vec<u8> = vote.selected.concat();
        self.execute(
            "INSERT INTO wazap_poll_votes (account, poll_id, voter, selected, timestamp_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, poll_id, voter) DO UPDATE SET selected = excluded.selected,
                 timestamp_ms = excluded.timestamp_ms
             WHERE excluded.timestamp_ms >= wazap_poll_votes.timestamp_ms",
            &[&self.account, &poll_id, &vote.voter.to_string(), &selected, &vote.timestamp_ms],
        )
    }

    fn poll_votes(&self, poll_id: &str) -> Result<Vec<PollVoteRecord>, StoreError> {
        self.query(
            "SELECT voter, selected, timestamp_ms FROM wazap_poll_votes
             WHERE account = $1 AND poll_id = $2",
            &[&self.account, &poll_id],
        )?
        .iter()
        .map(|r| {
            let selected = option_hashes(r.try_get(1)?)?;
            Ok(PollVoteRecord {
                voter: parse_jid(&r.try_get::<_, String>(0)?, "poll voter")?,
                selected,
                timestamp_ms: r.try_get(2)?,
            })
        })
        .collect()
    }

    fn clear(&self) -> Result<(), StoreError> {
        let account: Params<'_> = &[&self.account];
        self.transaction(&[
            ("DELETE FROM wazap_lid_map WHERE account = $1", account),
            ("DELETE FROM wazap_device_lists WHERE account = $1", account),
            ("DELETE FROM wazap_sent_messages WHERE account = $1", account),
            ("DELETE FROM wazap_sender_key_holders WHERE account = $1", account),
            ("DELETE FROM wazap_polls WHERE account = $1", account),
            ("DELETE FROM wazap_poll_votes WHERE account = $1", account),
        ])
    }
}
