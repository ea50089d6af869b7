//! Media decryption with every check WhatsApp media carries: length, fileEncSha256, MAC,
//! padding and fileSha256.
use std::io::{Read, Write};
use std::thread;

use aes::cipher::{consts::U16, inout::InOutBuf, BlockDecryptMut, KeyIvInit};
use hmac::Mac;
use sha2::{Digest, Sha256};

use super::hash_worker::{CtDigests, CtHasher};
use super::{read_full, MediaError, MediaKeys, MediaType, BLOCK, CHUNK_SIZE, MAC_LEN};

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// Bytes kept back from each chunk until the input ends: the MAC, and the last cipher block
/// whose padding can only be removed once we know it is the last.
const HOLD: usize = BLOCK + MAC_LEN;

/// Digests the message promised; `None` skips that check. The MAC is always checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expected {
    pub file_enc_sha256: Option<[u8; 32]>,
    pub file_sha256: Option<[u8; 32]>,
}

/// What a successful decryption saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecryptedInfo {
    /// SHA-256 of the plaintext written.
    pub file_sha256: [u8; 32],
    /// SHA-256 of the whole input (`ciphertext ‖ mac`).
    pub file_enc_sha256: [u8; 32],
    /// Plaintext bytes written.
    pub file_length: u64,
}

/// Decrypts `ciphertext ‖ mac` from `reader` to `writer` in constant memory.
///
/// Plaintext is written as it is decrypted, before the MAC and digests at the end of the input
/// can be checked. **On any error the caller must discard everything written** (write to a
/// temporary file and keep it only on `Ok`). The final block (at most one chunk) is written only
/// after every check has passed, so a failed stream never yields the complete plaintext.
pub fn decrypt_stream(
    mut reader: impl Read,
    mut writer: impl Write,
    media_key: &[u8; 32],
    media_type: MediaType,
    expected: Expected,
) -> Result<DecryptedInfo, MediaError> {
    let keys = MediaKeys::derive(media_key, media_type);
    let mut cbc = Aes256CbcDec::new(&keys.cipher_key.into(), &keys.iv.into());
    let mut plain = vec![0u8; CHUNK_SIZE + BLOCK];
    let mut plain_hash = Sha256::new();
    let mut file_length = 0u64;
    thread::scope(|scope| {
        let mut hasher = CtHasher::new(scope, CtDigests::new(&keys), CHUNK_SIZE + HOLD);
        let mut buf = hasher.buffer();
        let mut filled = 0;
        loop {
            filled += read_full(&mut reader, &mut buf[filled..])?;
            if filled < buf.len() {
                break;
            }
            // More input may follow: everything but the last HOLD bytes is plain ciphertext.
            decrypt_blocks(&mut cbc, &buf[..CHUNK_SIZE], &mut plain[..CHUNK_SIZE]);
            plain_hash.update(&plain[..CHUNK_SIZE]);
            writer.write_all(&plain[..CHUNK_SIZE])?;
            file_length += CHUNK_SIZE as u64;
            let mut next = hasher.buffer();
            next[..HOLD].copy_from_slice(&buf[CHUNK_SIZE..]);
            filled = HOLD;
            hasher.submit(buf, CHUNK_SIZE);
            buf = next;
        }

        // Every earlier chunk was whole blocks, so the tail alone decides the length's validity.
        if filled < HOLD || (filled - MAC_LEN) % BLOCK != 0 {
            return Err(MediaError::InvalidLength { len: file_length + filled as u64 });
        }
        let (ct, mac) = buf[..filled].split_at(filled - MAC_LEN);
        let mut digests = hasher.finish();
        digests.update(ct);
        digests.enc.update(mac);
        let file_enc_sha256: [u8; 32] = digests.enc.finalize().into();
        if expected.file_enc_sha256.is_some_and(|want| want != file_enc_sha256) {
            return Err(MediaError::EncHashMismatch);
        }
        digests.mac.verify_truncated_left(mac).map_err(|_| MediaError::MacMismatch)?;

        let tail = &mut plain[..ct.len()];
        decrypt_blocks(&mut cbc, ct, tail);
        let tail = unpad(tail)?;
        plain_hash.update(tail);
        let file_sha256: [u8; 32] = plain_hash.finalize().into();
        if expected.file_sha256.is_some_and(|want| want != file_sha256) {
            return Err(MediaError::PlainHashMismatch);
        }
        writer.write_all(tail)?;
        writer.flush()?;
        file_length += tail.len() as u64;
        Ok(DecryptedInfo { file_sha256, file_enc_sha256, file_length })
    })
}

/// Decrypts `ciphertext ‖ mac` in memory; returns the plaintext only if every check passed.
pub fn decrypt(
    encrypted: &[u8],
    media_key: &[u8; 32],
    media_type: MediaType,
    expected: Expected,
) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(encrypted.len());
    decrypt_stream(encrypted, &mut out, media_key, media_type, expected)?;
    Ok(out)
}

/// CBC-decrypts whole blocks from `ct` into `out` (same length) with the cipher's parallel path.
fn decrypt_blocks(cbc: &mut Aes256CbcDec, ct: &[u8], out: &mut [u8]) {
    let buf = InOutBuf::new(ct, out).expect("callers pass equal lengths");
    let (blocks, tail) = buf.into_chunks::<U16>();
    debug_assert!(tail.is_empty(), "callers pass whole blocks");
    cbc.decrypt_blocks_inout_mut(blocks);
}

/// Strips PKCS7 padding. Runs only after the MAC check, so it cannot serve as a padding oracle.
fn unpad(plain: &[u8]) -> Result<&[u8], MediaError> {
    let pad = *plain.last().ok_or(MediaError::BadPadding)? as usize;
    if pad == 0 || pad > BLOCK || pad > plain.len() {
        return Err(MediaError::BadPadding);
    }
    let (data, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|&b| b as usize != pad) {
        return Err(MediaError::BadPadding);
    }
    Ok(data)
}
