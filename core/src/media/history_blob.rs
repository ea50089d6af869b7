//! A history-sync blob's plaintext: a zlib stream of a `HistorySync` protobuf (whatsmeow
//! `DownloadHistorySync`). Inflating is bounded so a hostile blob cannot exhaust memory.
use std::io::Read;

use flate2::read::ZlibDecoder;
use prost::Message as _;

use super::TransferError;
use crate::proto;

/// The most bytes a blob may inflate to (real bootstrap chunks are a few MiB).
pub const MAX_HISTORY_SYNC_BYTES: u64 = 256 * 1024 * 1024;

/// Inflates a history-sync blob (or a notification's inline payload): the `HistorySync`
/// protobuf bytes.
pub fn inflate_history_sync(compressed: &[u8]) -> Result<Vec<u8>, TransferError> {
    let mut plain = Vec::new();
    ZlibDecoder::new(compressed)
        .take(MAX_HISTORY_SYNC_BYTES + 1)
        .read_to_end(&mut plain)
        .map_err(|e| TransferError::Inflate(e.to_string()))?;
    if plain.len() as u64 > MAX_HISTORY_SYNC_BYTES {
        return Err(TransferError::Inflate(format!("more than {MAX_HISTORY_SYNC_BYTES} bytes")));
    }
    Ok(plain)
}

/// Inflates and decodes a history-sync blob.
pub fn decode_history_sync(compressed: &[u8]) -> Result<proto::HistorySync, TransferError> {
    Ok(proto::HistorySync::decode(inflate_history_sync(compressed)?.as_slice())?)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::ZlibEncoder;
    use flate2::Compression;

    use super::*;

    fn deflate(bytes: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    }

    #[test]
    fn round_trips() {
        let sync = proto::HistorySync { chunk_order: Some(3), ..Default::default() };
        assert_eq!(decode_history_sync(&deflate(&sync.encode_to_vec())).unwrap(), sync);
    }

    #[test]
    fn rejects_what_is_not_a_history_sync() {
        let e = decode_history_sync(b"not zlib").unwrap_err();
        assert!(matches!(e, TransferError::Inflate(_)), "{e}");
        // Inflates, but field 1 with wire type 7 is no protobuf.
        let e = decode_history_sync(&deflate(&[0x0f, 0xff])).unwrap_err();
        assert!(matches!(e, TransferError::Decode(_)), "{e}");
    }
}
