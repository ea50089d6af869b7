//! The WhatsApp media cipher (protocol-notes §8): per-type HKDF key expansion, AES-256-CBC with a
//! truncated HMAC-SHA256, and the two SHA-256 digests a media message carries.
//!
//! Encrypted media on the wire is `AES-256-CBC(cipher_key, iv, PKCS7(plain)) ‖ mac`, with
//! `mac = HMAC-SHA256(mac_key, iv ‖ ciphertext)[..10]`; `fileSha256 = SHA256(plain)` and
//! `fileEncSha256 = SHA256(ciphertext ‖ mac)` (also the upload token).
//!
//! The `*_stream` functions work in constant memory (a few chunks of [`CHUNK_SIZE`] bytes) and,
//! for inputs longer than one chunk, hash the ciphertext on a second thread while the calling
//! thread runs AES and the caller's reader and writer.

mod decrypt;
mod encrypt;
mod error;
mod hash_worker;
mod keys;
mod media_type;

use std::io::{self, Read};

pub use decrypt::{decrypt, decrypt_stream, DecryptedInfo, Expected};
pub use encrypt::{encrypt, encrypt_stream, encrypted_len, generate_media_key, EncryptedMedia};
pub use error::MediaError;
pub use keys::MediaKeys;
pub use media_type::MediaType;

/// Length of the truncated HMAC-SHA256 appended to encrypted media.
pub const MAC_LEN: usize = 10;

/// Bytes the streaming functions read per step; a multiple of the AES block size.
pub const CHUNK_SIZE: usize = 64 * 1024;

const BLOCK: usize = 16;

/// Reads until `buf` is full or the reader is exhausted; returns the bytes read. A short count
/// therefore always means end of input, which the block and MAC bookkeeping relies on.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
