//! Fuzzes media decryption: arbitrary blobs (and the valid encryption of a small file with the
//! input as a bit mask) for every media type, with and without the expected hashes. No input may
//! panic, and nothing but the original plaintext may come out of a checked decryption.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use wazap::crypto::media::{decrypt, encrypt, Expected, MediaType};

const TYPES: [MediaType; 5] = [
    MediaType::Image,
    MediaType::Video,
    MediaType::Audio,
    MediaType::Document,
    MediaType::AppState,
];
const KEY: [u8; 32] = [7; 32];
const PLAIN: &[u8] = b"a small file, long enough for two AES blocks and a MAC.";

static VALID: LazyLock<Vec<(Vec<u8>, Expected)>> = LazyLock::new(|| {
    TYPES
        .iter()
        .map(|t| {
            let (blob, info) = encrypt(PLAIN, &KEY, *t);
            let expected = Expected {
                file_enc_sha256: Some(info.file_enc_sha256),
                file_sha256: Some(info.file_sha256),
            };
            (blob, expected)
        })
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let i = usize::from(mode) % TYPES.len();
    let (valid, expected) = &VALID[i];
    if mode & 0x80 != 0 {
        let _ = decrypt(rest, &KEY, TYPES[i], Expected::default());
        return;
    }
    let mut blob = valid.clone();
    for (x, m) in blob.iter_mut().zip(rest) {
        *x ^= m;
    }
    if let Ok(plain) = decrypt(&blob, &KEY, TYPES[i], *expected) {
        assert_eq!(plain, PLAIN, "a checked decryption gives the file or nothing");
    }
});
