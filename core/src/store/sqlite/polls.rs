//! The polls of each account of a [`super::SqliteStore`] and their current votes, in their own
//! tables, versioned in `wazap_schema` under the component `polls`.
use rusqlite::{params, Connection, OptionalExtension};

use crate::binary::Jid;
use crate::signal::store::StoreError;
use crate::store::{PollRecord, PollVoteRecord};

const COMPONENT: &str = "polls";

/// Each entry upgrades the schema by one version; applied entries are never edited.
const MIGRATIONS: &[&str] = &[
    // 1: a poll's secret and options (a JSON array of names), each voter's latest choice (the
    // option hashes concatenated, 32 bytes each).
    "CREATE TABLE wazap_polls (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        chat TEXT NOT NULL,
        sender TEXT NOT NULL,
        secret BLOB NOT NULL,
        name TEXT NOT NULL,
        options TEXT NOT NULL,
        selectable INTEGER NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE TABLE wazap_poll_votes (
        account TEXT NOT NULL,
        poll_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        selected BLOB NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        PRIMARY KEY (account, poll_id, voter)
    );",
];

pub(super) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    super::schema::migrate(conn, COMPONENT, MIGRATIONS)
}

fn jid(text: &str, what: &'static str) -> Result<Jid, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

pub(super) fn put(conn: &Connection, account: &str, poll: &PollRecord) -> Result<(), StoreError> {
    let options = serde_json::to_string(&poll.options).map_err(|_| StoreError::Corrupt("poll"))?;
    conn.prepare_cached(
        "INSERT INTO wazap_polls (account, id, chat, sender, secret, name, options, selectable)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (account, id) DO NOTHING",
    )?
    .execute(params![
        account,
        poll.id,
        poll.chat.to_string(),
        poll.sender.to_string(),
        poll.secret,
        poll.name,
        options,
        poll.selectable
    ])?;
    Ok(())
}

type PollRow = (String, String, Vec<u8>, String, String, u32);

pub(super) fn get(
    conn: &Connection,
    account: &str,
    id: &str,
) -> Result<Option<PollRecord>, StoreError> {
    let row: Option<PollRow> = conn
        .prepare_cached(
            "SELECT chat, sender, secret, name, options, selectable FROM wazap_polls
             WHERE account = ?1 AND id = ?2",
        )?
        .query_row(params![account, id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((chat, sender, secret, name, options, selectable)) = row else { return Ok(None) };
    Ok(Some(PollRecord {
        id: id.to_owned(),
        chat: jid(&chat, "poll chat")?,
        sender: jid(&sender, "poll sender")?,
        secret,
        name,
        options: serde_json::from_str(&options).map_err(|_| StoreError::Corrupt("poll options"))?,
        selectable,
    }))
}

pub(super) fn put_vote(
    conn: &Connection,
    account: &str,
    poll_id: &str,
    vote: &PollVoteRecord,
) -> Result<(), StoreError> {
    let selected: Vec<u8> = vote.selected.concat();
    conn.prepare_cached(
        "INSERT INTO wazap_poll_votes (account, poll_id, voter, selected, timestamp_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account, poll_id, voter) DO UPDATE SET selected = excluded.selected,
             timestamp_ms = excluded.timestamp_ms
         WHERE excluded.timestamp_ms >= wazap_poll_votes.timestamp_ms",
    )?
    .execute(params![
        account,
        poll_id,
        vote.voter.to_string(),
        selected,
        vote.timestamp_ms
    ])?;
    Ok(())
}

pub(super) fn votes(
    conn: &Connection,
    account: &str,
    poll_id: &str,
) -> Result<Vec<PollVoteRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT voter, selected, timestamp_ms FROM wazap_poll_votes
         WHERE account = ?1 AND poll_id = ?2",
    )?;
    let rows = stmt
        .query_map(params![account, poll_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(voter, selected, timestamp_ms)| {
            let selected = crate::store::decode::option_hashes(selected)?;
            Ok(PollVoteRecord { voter: jid(&voter, "poll voter")?, selected, timestamp_ms })
        })
        .collect()
}

pub(super) fn clear(conn: &Connection, account: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM wazap_polls WHERE account = ?1", [account])?;
    conn.execute("DELETE FROM wazap_poll_votes WHERE account = ?1", [account])?;
    Ok(())
}
