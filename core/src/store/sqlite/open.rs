//! Opening a database file that other connections (other stores, clients or processes) may be
//! using at the same moment.
//!
//! The order matters: the busy timeout must be set before the first statement, so that
//! `journal_mode = WAL` (which needs an exclusive lock the first time) and the migrations wait for
//! the other connections instead of failing with "database is locked". SQLite can still return
//! `SQLITE_BUSY` from the journal-mode switch without calling the busy handler (while another
//! connection is opening or checkpointing the WAL), so that step is retried until the same
//! deadline. Write transactions start `IMMEDIATE`: a deferred one that reads first and writes
//! later fails at once with `SQLITE_BUSY` when another connection wrote in between.
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

use crate::store::StoreError;

/// How long a statement waits for another connection's lock before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (or creates) the database at `path` in WAL mode with `synchronous = FULL`.
pub(crate) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        match enable_wal(&conn) {
            Ok(()) => break,
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(e.into()),
        }
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Switches to WAL (a no-op when the file already is): the pragma answers with the mode in
/// force, which is not `wal` when the switch could not take place.
fn enable_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if mode.eq_ignore_ascii_case("wal") {
        Ok(())
    } else {
        // Another connection held the file in a way that blocked the switch: report it as
        // busy so the caller retries.
        Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some(format!("journal mode stayed {mode}")),
        ))
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked))
}

/// Starts a write transaction that takes the write lock at once (waiting up to the busy timeout).
pub(crate) fn write_transaction(conn: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}
