//! Many connections opening one database file at the same moment (several clients or processes
//! sharing a store) and writing to it: none may fail with "database is locked".
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use rand::rngs::OsRng;
use wazap::crypto::KeyPair;
use wazap::signal::PreKeyRecord;
use wazap::store::{Device, DeviceStore, PreKeyStore, SqliteSignalStore, SqliteStore};

const THREADS: usize = 16;
const WRITES: u32 = 10;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wazap-contention-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every thread opens the (new) file at once, saves its device, then writes prekeys one
/// transaction at a time while the others do the same.
fn open_and_write_at_once(path: &Path) {
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|i| {
            let (path, start) = (path.to_path_buf(), start.clone());
            std::thread::spawn(move || -> Result<(), String> {
                start.wait();
                let name = format!("account-{i}");
                let store = SqliteStore::open(&path).map_err(|e| format!("open: {e}"))?;
                let account = store.account(name.as_str());
                let device = Device::generate(&mut OsRng);
                account.save_device(&device).map_err(|e| format!("save device: {e}"))?;
                let signal = account.signal_store(&device).map_err(|e| format!("signal: {e}"))?;
                // A second, independent connection per thread (as another process would have).
                let other = SqliteSignalStore::open_account(&path, &format!("other-{i}"))
                    .map_err(|e| format!("open signal store: {e}"))?;
                other
                    .set_local_identity(&KeyPair::generate(&mut OsRng), 7)
                    .map_err(|e| format!("identity: {e}"))?;
                for id in 1..=WRITES {
                    let record = PreKeyRecord::new(id, KeyPair::generate(&mut OsRng));
                    signal.store_pre_key(&record).map_err(|e| format!("prekey {id}: {e}"))?;
                    other.store_pre_key(&record).map_err(|e| format!("other prekey {id}: {e}"))?;
                }
                Ok(())
            })
        })
        .collect();
    let failures: Vec<String> =
        workers.into_iter().filter_map(|w| w.join().expect("worker panicked").err()).collect();
    assert!(failures.is_empty(), "concurrent opens/writes failed: {failures:?}");
}

#[test]
fn many_threads_open_and_write_one_new_file_without_lock_errors() {
    let dir = temp_dir();
    // Several rounds on fresh files: the race is at creation (journal mode switch, migrations).
    for round in 0..3 {
        let path = dir.join(format!("store-{round}.db"));
        open_and_write_at_once(&path);
        let store = SqliteStore::open(&path).unwrap();
        let names = store.accounts().unwrap();
        assert_eq!(names.len(), THREADS, "round {round}: every account saved its device");
        for i in 0..THREADS {
            let account = store.account(format!("account-{i}"));
            let device = account.load_device().unwrap().expect("device saved");
            let signal = account.signal_store(&device).unwrap();
            assert_eq!(signal.pre_key_count().unwrap(), WRITES as usize);
            let other = SqliteSignalStore::open_account(&path, &format!("other-{i}")).unwrap();
            assert_eq!(other.pre_key_count().unwrap(), WRITES as usize);
        }
        let mode: String = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
