//! Thin, typed wrappers over the RustCrypto primitives the protocol uses.
use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use std::sync::OnceLock;

use sha2::{Digest, Sha256, Sha512};

use super::CryptoError;

type HmacSha256 = Hmac<Sha256>;

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// HMAC-SHA256 keyed with RFC 5869's default salt (32 zero bytes), its key schedule (two
/// SHA-256 blocks) computed once: every message key and sender key derivation extracts with it.
fn zero_salt_hmac() -> HmacSha256 {
    static KEYED: OnceLock<HmacSha256> = OnceLock::new();
    KEYED
        .get_or_init(|| <HmacSha256 as Mac>::new_from_slice(&[0; 32]).expect("any key length"))
        .clone()
}

/// HKDF-SHA256 into a caller-provided buffer. `salt = None` means RFC 5869's zero salt.
pub fn hkdf_sha256_into(
    ikm: &[u8],
    salt: Option<&[u8]>,
    info: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let hkdf = match salt {
        Some(salt) => Hkdf::<Sha256>::new(Some(salt), ikm),
        None => {
            // The extract step, HMAC(salt, ikm), from the precomputed key schedule.
            let mut extract = zero_salt_hmac();
            extract.update(ikm);
            Hkdf::<Sha256>::from_prk(&extract.finalize().into_bytes())
                .expect("a PRK of one hash length")
        }
    };
    hkdf.expand(info, out).map_err(|_| CryptoError::HkdfLength(out.len()))
}

/// HKDF-SHA256 returning `len` bytes (at most 8160).
pub fn hkdf_sha256(
    ikm: &[u8],
    salt: Option<&[u8]>,
    info: &[u8],
    len: usize,
) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; len];
    hkdf_sha256_into(ikm, salt, info, &mut out)?;
    Ok(out)
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    hmac_sha256_parts(key, &[data])
}

/// HMAC-SHA256 over the concatenation of `parts`, without building the concatenation.
pub fn hmac_sha256_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA512 over the concatenation of `parts` (app state value MACs use its first half).
pub fn hmac_sha512_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 64] {
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn key32(key: &[u8]) -> Result<&[u8; 32], CryptoError> {
    key.try_into().map_err(|_| CryptoError::InvalidKeyLength { expected: 32, got: key.len() })
}

/// AES-256-GCM with a 12-byte nonce; the 16-byte tag is appended to the ciphertext.
pub fn aes_gcm_encrypt(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let cipher = Aes256Gcm::new(key32(key)?.into());
    cipher
        .encrypt(Nonce::from_slice(nonce), Payload { msg: plaintext, aad })
        .map_err(|_| CryptoError::AeadFailed)
}

pub fn aes_gcm_decrypt(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let cipher = Aes256Gcm::new(key32(key)?.into());
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| CryptoError::AeadFailed)
}

/// AES-256-CBC with PKCS#7 padding.
pub fn aes_cbc_encrypt(
    key: &[u8],
    iv: &[u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let enc = cbc::Encryptor::<aes::Aes256>::new(key32(key)?.into(), iv.into());
    Ok(enc.encrypt_padded_vec_mut::<Pkcs7>(plaintext))
}

pub fn aes_cbc_decrypt(
    key: &[u8],
    iv: &[u8; 16],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let dec = cbc::Decryptor::<aes::Aes256>::new(key32(key)?.into(), iv.into());
    dec.decrypt_padded_vec_mut::<Pkcs7>(ciphertext).map_err(|_| CryptoError::BadPadding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbc_round_trip_and_bad_padding() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        for len in [0usize, 1, 15, 16, 17, 100] {
            let pt: Vec<u8> = (0..len as u8).collect();
            let ct = aes_cbc_encrypt(&key, &iv, &pt).unwrap();
            assert_eq!(ct.len(), (len / 16 + 1) * 16);
            assert_eq!(aes_cbc_decrypt(&key, &iv, &ct).unwrap(), pt);
        }
        assert_eq!(aes_cbc_decrypt(&key, &iv, &[0u8; 15]), Err(CryptoError::BadPadding));
        assert!(aes_cbc_encrypt(&[0u8; 16], &iv, b"x").is_err());
    }

    #[test]
    fn gcm_round_trip_and_tamper() {
        let key = [1u8; 32];
        let nonce = [0u8; 12];
        let ct = aes_gcm_encrypt(&key, &nonce, b"ad", b"hello").unwrap();
        assert_eq!(aes_gcm_decrypt(&key, &nonce, b"ad", &ct).unwrap(), b"hello");
        assert_eq!(aes_gcm_decrypt(&key, &nonce, b"xx", &ct), Err(CryptoError::AeadFailed));
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert_eq!(aes_gcm_decrypt(&key, &nonce, b"ad", &bad), Err(CryptoError::AeadFailed));
    }

    #[test]
    fn hkdf_zero_salt_matches_the_hkdf_crate() {
        for len in [32usize, 48, 80, 112] {
            let mut want = vec![0u8; len];
            Hkdf::<Sha256>::new(None, b"input key").expand(b"info", &mut want).unwrap();
            assert_eq!(hkdf_sha256(b"input key", None, b"info", len).unwrap(), want);
            // An explicit all-zero salt is the same salt.
            assert_eq!(hkdf_sha256(b"input key", Some(&[0; 32]), b"info", len).unwrap(), want);
        }
    }

    #[test]
    fn hkdf_rfc5869_case_1() {
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        let okm = hkdf_sha256(&ikm, Some(&salt), &info, 42).unwrap();
        assert_eq!(
            okm[..8],
            [0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a],
            "RFC 5869 test case 1"
        );
        assert!(hkdf_sha256(&ikm, None, b"", 255 * 32 + 1).is_err());
    }
}
