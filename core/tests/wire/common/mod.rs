//! Shared helpers for the vector tests. A missing vector file fails the test: wire compatibility
//! is only proven by reading every vector.

use std::path::PathBuf;

/// The folder with the known-answer vectors: `$WAZAP_VECTORS`, else `../shared/vectors` beside
/// the repository.
pub fn vectors_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("WAZAP_VECTORS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors")
}

pub fn load(name: &str) -> serde_json::Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("vector file {} is required: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A vector file this repository generates and commits (`tests/vectors/`, with the script
/// that ran the independent implementation under `tests/vectors/gen/`).
pub fn load_own(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("vector file {} is required: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

pub fn hex(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap_or_else(|| panic!("expected hex string, got {v}")))
        .unwrap_or_else(|e| panic!("bad hex {v}: {e}"))
}

pub fn hex32(v: &serde_json::Value) -> [u8; 32] {
    hex(v).try_into().expect("32 bytes")
}
