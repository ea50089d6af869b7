//! Uploaded media blobs (already encrypted by the uploader), addressed by the hex SHA-256 of
//! their bytes. In memory, and under `DIR/media/` with `--data`.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct MediaStore {
    dir: Option<PathBuf>,
    blobs: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// Blob ids are 64 lowercase hex characters; anything else never names a blob (and never
/// reaches the file system).
pub fn valid_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl MediaStore {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir, blobs: Mutex::new(HashMap::new()) }
    }

    fn blobs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Vec<u8>>>> {
        self.blobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores a blob under `id` (the caller checked it is the blob's hash).
    pub async fn put(&self, id: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        if let Some(dir) = &self.dir {
            tokio::fs::create_dir_all(dir).await?;
            let tmp = dir.join(format!("{id}.tmp"));
            tokio::fs::write(&tmp, &bytes).await?;
            tokio::fs::rename(&tmp, dir.join(id)).await?;
        }
        self.blobs().insert(id.to_owned(), Arc::new(bytes));
        Ok(())
    }

    pub async fn get(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        if !valid_id(id) {
            return None;
        }
        if let Some(blob) = self.blobs().get(id) {
            return Some(blob.clone());
        }
        let dir = self.dir.as_ref()?;
        let bytes = Arc::new(tokio::fs::read(dir.join(id)).await.ok()?);
        self.blobs().insert(id.to_owned(), bytes.clone());
        Some(bytes)
    }
}
