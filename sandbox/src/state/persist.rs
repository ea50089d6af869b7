//! The state file: one JSON document (`state.json` in the data directory), rewritten atomically
//! (write a temporary file, fsync, rename) after every change. JSON rather than SQLite: the
//! sandbox's durable state is small (accounts, devices, prekeys, the PKI keys), a developer can
//! read and edit it, and a rename never leaves a half-written file.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Durable;

pub const STATE_FILE: &str = "state.json";

#[derive(Debug, Error)]
pub enum PersistError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid state file: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot serialise the state: {0}")]
    Serialise(serde_json::Error),
}

/// Where the state lives on disk.
#[derive(Debug, Clone)]
pub struct JsonStore {
    dir: PathBuf,
}

impl JsonStore {
    /// Opens (creating) the directory.
    pub fn open(dir: &Path) -> Result<Self, PersistError> {
        fs::create_dir_all(dir)
            .map_err(|source| PersistError::CreateDir { path: dir.to_owned(), source })?;
        Ok(Self { dir: dir.to_owned() })
    }

    fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// The saved state, `None` when there is none yet.
    pub fn load(&self) -> Result<Option<Durable>, PersistError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(PersistError::Read { path, source }),
        };
        serde_json::from_str(&text).map(Some).map_err(|source| PersistError::Parse { path, source })
    }

    pub fn save(&self, state: &Durable) -> Result<(), PersistError> {
        let bytes = serde_json::to_vec_pretty(state).map_err(PersistError::Serialise)?;
        let path = self.path();
        let tmp = self.dir.join(format!("{STATE_FILE}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &path)
        };
        write().map_err(|source| PersistError::Write { path: path.clone(), source })
    }
}
