//! Versioned schemas: each component of a database file (Signal keys, devices, edge routing…)
//! keeps its own version in `wazap_schema`, so components evolve independently.
use rusqlite::{params, Connection, OptionalExtension};

use super::open::write_transaction;
use crate::store::StoreError;

/// Brings `component` to the newest version inside one transaction: each entry of `migrations`
/// upgrades by one version, and applied entries are never edited. Returns the version reached;
/// a file written by a newer wazap is refused.
pub(crate) fn migrate(
    conn: &mut Connection,
    component: &str,
    migrations: &[&str],
) -> Result<u32, StoreError> {
    let tx = write_transaction(conn)?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS wazap_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
        [],
    )?;
    let current: u32 = tx
        .query_row("SELECT version FROM wazap_schema WHERE component = ?1", [component], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(0);
    let newest = migrations.len() as u32;
    if current > newest {
        return Err(StoreError::SchemaTooNew { found: current, supported: newest });
    }
    for sql in &migrations[current as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.execute(
        "INSERT INTO wazap_schema (component, version) VALUES (?1, ?2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        params![component, newest],
    )?;
    tx.commit()?;
    Ok(newest)
}
