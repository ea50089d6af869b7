//! The server's own tables, in the same SQLite file as the wazap store (`DATA/wazap.db`):
//! `wuzapi_users` (one row per API user) and `wuzapi_settings` (the generated admin token).
//! Calls run on the blocking pool: SQLite touches the disk.
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a user with this token already exists")]
    DuplicateToken,
    #[error("the database task failed")]
    TaskFailed,
}

/// A row of `wuzapi_users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub token: String,
    pub webhook: String,
    /// Comma-separated event types.
    pub events: String,
    pub hmac_key: String,
    /// The session should be connected (reconnected after a restart).
    pub connected: bool,
    /// The device JID once paired, else empty.
    pub jid: String,
    /// wuzapi's `expiration` (kept and shown; wuzapi does not act on it either).
    pub expiration: i64,
    /// The proxy the session connects through (`POST /session/proxy`), else empty.
    pub proxy_url: String,
}

/// What a new user is created with.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub token: String,
    pub webhook: String,
    pub events: String,
    pub hmac_key: String,
    pub expiration: i64,
}

#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS wuzapi_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    webhook TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL DEFAULT '',
    hmac_key TEXT NOT NULL DEFAULT '',
    connected INTEGER NOT NULL DEFAULT 0,
    jid TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS wuzapi_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);";

/// Columns added after the first schema: added to older databases on open.
const ADDED_COLUMNS: &[(&str, &str)] =
    &[("expiration", "INTEGER NOT NULL DEFAULT 0"), ("proxy_url", "TEXT NOT NULL DEFAULT ''")];

fn row_to_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        token: r.get(2)?,
        webhook: r.get(3)?,
        events: r.get(4)?,
        hmac_key: r.get(5)?,
        connected: r.get(6)?,
        jid: r.get(7)?,
        expiration: r.get(8)?,
        proxy_url: r.get(9)?,
    })
}

const COLUMNS: &str =
    "id, name, token, webhook, events, hmac_key, connected, jid, expiration, proxy_url";

impl Db {
    /// Opens (or creates) the database file and its tables.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        let existing: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('wuzapi_users')")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for (column, declaration) in ADDED_COLUMNS {
            if !existing.iter().any(|c| c == column) {
                conn.execute_batch(&format!(
                    "ALTER TABLE wuzapi_users ADD COLUMN {column} {declaration}"
                ))?;
            }
        }
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&guard)
        })
        .await
        .map_err(|_| DbError::TaskFailed)?
    }

    pub async fn users(&self) -> Result<Vec<UserRow>, DbError> {
        self.call(|c| {
            let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM wuzapi_users ORDER BY id"))?;
            let rows = stmt.query_map([], row_to_user)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    pub async fn insert_user(&self, user: NewUser) -> Result<UserRow, DbError> {
        self.call(move |c| {
            let inserted = c.execute(
                "INSERT INTO wuzapi_users (name, token, webhook, events, hmac_key, expiration)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    user.name,
                    user.token,
                    user.webhook,
                    user.events,
                    user.hmac_key,
                    user.expiration
                ],
            );
            match inserted {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    return Err(DbError::DuplicateToken)
                }
                other => other?,
            };
            let id = c.last_insert_rowid();
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM wuzapi_users WHERE id = ?1"),
                [id],
                row_to_user,
            )?)
        })
        .await
    }

    /// Deletes the user; false if there was none.
    pub async fn delete_user(&self, id: i64) -> Result<bool, DbError> {
        self.call(move |c| Ok(c.execute("DELETE FROM wuzapi_users WHERE id = ?1", [id])? > 0)).await
    }

    pub async fn set_webhook(
        &self,
        id: i64,
        webhook: String,
        events: String,
    ) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute(
                "UPDATE wuzapi_users SET webhook = ?2, events = ?3 WHERE id = ?1",
                params![id, webhook, events],
            )?;
            Ok(())
        })
        .await
    }

    /// The user's webhook signing key (empty: deliveries unsigned).
    pub async fn set_hmac_key(&self, id: i64, key: String) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute("UPDATE wuzapi_users SET hmac_key = ?2 WHERE id = ?1", params![id, key])?;
            Ok(())
        })
        .await
    }

    pub async fn set_events(&self, id: i64, events: String) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute("UPDATE wuzapi_users SET events = ?2 WHERE id = ?1", params![id, events])?;
            Ok(())
        })
        .await
    }

    pub async fn set_connected(&self, id: i64, connected: bool) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute(
                "UPDATE wuzapi_users SET connected = ?2 WHERE id = ?1",
                params![id, connected],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn set_proxy(&self, id: i64, proxy_url: String) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute(
                "UPDATE wuzapi_users SET proxy_url = ?2 WHERE id = ?1",
                params![id, proxy_url],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserRow>, DbError> {
        self.call(move |c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM wuzapi_users WHERE id = ?1"),
                [id],
                row_to_user,
            )
            .optional()?)
        })
        .await
    }

    pub async fn set_jid(&self, id: i64, jid: String) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute("UPDATE wuzapi_users SET jid = ?2 WHERE id = ?1", params![id, jid])?;
            Ok(())
        })
        .await
    }

    pub async fn setting(&self, key: &'static str) -> Result<Option<String>, DbError> {
        self.call(move |c| {
            Ok(c.query_row("SELECT value FROM wuzapi_settings WHERE key = ?1", [key], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    pub async fn set_setting(&self, key: &'static str, value: String) -> Result<(), DbError> {
        self.call(move |c| {
            c.execute(
                "INSERT INTO wuzapi_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(token: &str) -> NewUser {
        NewUser {
            name: "n".into(),
            token: token.into(),
            webhook: String::new(),
            events: "Message".into(),
            hmac_key: String::new(),
            expiration: 0,
        }
    }

    #[tokio::test]
    async fn users_round_trip_and_tokens_are_unique() {
        let dir = std::env::temp_dir().join(format!("wazap-server-db-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("wazap.db");
        let db = Db::open(&path).unwrap();
        let a = db.insert_user(user("t1")).await.unwrap();
        assert!(matches!(db.insert_user(user("t1")).await, Err(DbError::DuplicateToken)));
        db.set_connected(a.id, true).await.unwrap();
        db.set_jid(a.id, "1:2@s.whatsapp.net".into()).await.unwrap();
        drop(db);
        let db = Db::open(&path).unwrap();
        let users = db.users().await.unwrap();
        assert_eq!(users.len(), 1);
        assert!(users[0].connected);
        assert_eq!(users[0].jid, "1:2@s.whatsapp.net");
        assert!(db.delete_user(a.id).await.unwrap());
        assert!(!db.delete_user(a.id).await.unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
