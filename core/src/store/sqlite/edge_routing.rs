//! The edge-routing info of each account of a [`super::SqliteStore`], in its own table
//! (`wazap_edge_routing`), versioned in `wazap_schema` under the component `edge_routing` so it
//! evolves independently of the device table.
use rusqlite::{params, Connection, OptionalExtension};

use crate::signal::store::StoreError;

const COMPONENT: &str = "edge_routing";

/// Each entry upgrades the schema by one version; applied entries are never edited.
const MIGRATIONS: &[&str] = &[
    // 1: the routing info as the server sent it, one row per account name.
    "CREATE TABLE wazap_edge_routing (
        account TEXT PRIMARY KEY,
        routing_info BLOB NOT NULL
    );",
];

pub(super) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    super::schema::migrate(conn, COMPONENT, MIGRATIONS)
}

pub(super) fn load(conn: &Connection, account: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT routing_info FROM wazap_edge_routing WHERE account = ?1",
            [account],
            |r| r.get(0),
        )
        .optional()?)
}

pub(super) fn save(conn: &Connection, account: &str, info: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO wazap_edge_routing (account, routing_info) VALUES (?1, ?2)
         ON CONFLICT (account) DO UPDATE SET routing_info = excluded.routing_info",
        params![account, info],
    )?;
    Ok(())
}

pub(super) fn delete(conn: &Connection, account: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM wazap_edge_routing WHERE account = ?1", [account])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::rngs::OsRng;

    use crate::store::{Device, DeviceStore, SqliteStore};

    #[test]
    fn routing_info_is_kept_per_account_across_reopening_and_wiped_with_the_device() {
        let dir = std::env::temp_dir().join(format!("wazap-edge-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        {
            let store = SqliteStore::open(&path).unwrap();
            let a = store.account("a");
            assert_eq!(a.edge_routing_info().unwrap(), None);
            a.save_device(&Device::generate(&mut OsRng)).unwrap();
            a.set_edge_routing_info(&[1, 2, 3]).unwrap();
            a.set_edge_routing_info(&[8, 5, 8, 2]).unwrap();
            store.account("b").set_edge_routing_info(&[9]).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let a = store.account("a");
        assert_eq!(a.edge_routing_info().unwrap(), Some(vec![8, 5, 8, 2]));
        a.delete_device().unwrap();
        assert_eq!(a.edge_routing_info().unwrap(), None);
        assert_eq!(store.account("b").edge_routing_info().unwrap(), Some(vec![9]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
