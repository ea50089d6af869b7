//! The 8-character pairing code ("link code") and the ephemeral-key wrapping it protects.
//!
//! The code is 5 random bytes in base32 over `123456789ABCDEFGHJKLMNPQRSTVWXYZ` (whatsmeow
//! pair-code.go `linkingBase32`, Baileys `bytesToCrockford`), shown as `XXXX-XXXX`. A wrapped key
//! is `salt(32) ‖ iv(16) ‖ AES-256-CTR(PBKDF2-HMAC-SHA256(code, salt, 2<<16, 32), iv, pub)`.
use std::fmt;
use std::str::FromStr;

use aes::cipher::{KeyIvInit, StreamCipher};
use rand::{CryptoRng, RngCore};
use sha2::Sha256;
use thiserror::Error;

use crate::crypto::PublicKey;

/// The code alphabet: digits and capitals without 0, I, O and U.
pub const CODE_ALPHABET: &[u8; 32] = b"123456789ABCDEFGHJKLMNPQRSTVWXYZ";
/// Characters in a code (hyphen excluded).
pub const CODE_LEN: usize = 8;
/// PBKDF2 rounds (`2 << 16` in both public clients).
pub const PBKDF2_ITERATIONS: u32 = 2 << 16;
/// Bytes of a wrapped ephemeral key: salt ‖ iv ‖ 32-byte ciphertext.
pub const WRAPPED_KEY_LEN: usize = 32 + 16 + 32;

type Aes256Ctr = ctr::Ctr128BE<aes::Aes256>;

/// Why a pairing code was rejected.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PairingCodeError {
    #[error("a pairing code has {CODE_LEN} characters, got {0}")]
    Length(usize),
    #[error("{0:?} is not a pairing-code character")]
    InvalidChar(char),
}

/// A validated pairing code: 8 characters of [`CODE_ALPHABET`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PairingCode([u8; CODE_LEN]);

impl fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PairingCode({self})")
    }
}

impl PairingCode {
    /// A fresh random code.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut bytes = [0u8; 5];
        rng.fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// Encodes 40 bits as 8 characters, 5 bits each, most significant first.
    pub fn from_bytes(bytes: [u8; 5]) -> Self {
        let mut value = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let mut out = [0u8; CODE_LEN];
        for slot in out.iter_mut().rev() {
            *slot = CODE_ALPHABET[(value & 31) as usize];
            value >>= 5;
        }
        Self(out)
    }

    /// Parses a code as a user types it: `XXXX-XXXX` or `XXXXXXXX`, any case, surrounding
    /// whitespace ignored.
    pub fn parse(text: &str) -> Result<Self, PairingCodeError> {
        let chars: Vec<char> =
            text.trim().chars().filter(|c| *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if chars.len() != CODE_LEN {
            return Err(PairingCodeError::Length(chars.len()));
        }
        let mut out = [0u8; CODE_LEN];
        for (slot, c) in out.iter_mut().zip(chars) {
            if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) {
                return Err(PairingCodeError::InvalidChar(c));
            }
            *slot = c as u8;
        }
        Ok(Self(out))
    }

    /// The 8 characters without the hyphen: the PBKDF2 password.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("alphabet is ASCII")
    }

    /// The 32-byte key that wraps ephemeral keys under this code.
    pub fn derive_key(&self, salt: &[u8]) -> [u8; 32] {
        derive_code_key(self.as_str(), salt)
    }

    /// Wraps an ephemeral public key with a given salt and iv (callers pick them at random;
    /// see [`PairingCode::wrap_random`]).
    pub fn wrap(&self, ephemeral: &PublicKey, salt: &[u8; 32], iv: &[u8; 16]) -> [u8; 80] {
        let key = self.derive_key(salt);
        let mut ct = ephemeral.0;
        Aes256Ctr::new(&key.into(), iv.into()).apply_keystream(&mut ct);
        let mut out = [0u8; WRAPPED_KEY_LEN];
        out[..32].copy_from_slice(salt);
        out[32..48].copy_from_slice(iv);
        out[48..].copy_from_slice(&ct);
        out
    }

    /// Wraps with a fresh random salt and iv.
    pub fn wrap_random<R: RngCore + CryptoRng>(
        &self,
        rng: &mut R,
        ephemeral: &PublicKey,
    ) -> [u8; 80] {
        let mut salt = [0u8; 32];
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut iv);
        self.wrap(ephemeral, &salt, &iv)
    }

    /// Unwraps a wrapped ephemeral key. CTR has no integrity check: a wrong code yields a wrong
    /// key, which shows up later as a key-bundle decryption failure. Like whatsmeow, bytes past
    /// the first 80 are ignored.
    pub fn unwrap(&self, wrapped: &[u8]) -> Result<PublicKey, WrappedKeyTooShort> {
        if wrapped.len() < WRAPPED_KEY_LEN {
            return Err(WrappedKeyTooShort(wrapped.len()));
        }
        let key = self.derive_key(&wrapped[..32]);
        let iv: [u8; 16] = wrapped[32..48].try_into().expect("length checked");
        let mut pk: [u8; 32] = wrapped[48..80].try_into().expect("length checked");
        Aes256Ctr::new(&key.into(), &iv.into()).apply_keystream(&mut pk);
        Ok(PublicKey(pk))
    }
}

/// A wrapped ephemeral key shorter than 80 bytes.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
#[error("a wrapped ephemeral key has at least {WRAPPED_KEY_LEN} bytes, got {0}")]
pub struct WrappedKeyTooShort(pub usize);

impl fmt::Display for PairingCode {
    /// `XXXX-XXXX`, as shown to the user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_str();
        write!(f, "{}-{}", &s[..4], &s[4..])
    }
}

impl FromStr for PairingCode {
    type Err = PairingCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// PBKDF2-HMAC-SHA256(code, salt, 131072 rounds) → 32 bytes.
pub fn derive_code_key(code: &str, salt: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(code.as_bytes(), salt, PBKDF2_ITERATIONS, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_five_bytes_msb_first() {
        assert_eq!(PairingCode::from_bytes([0; 5]).as_str(), "11111111");
        assert_eq!(PairingCode::from_bytes([0xff; 5]).as_str(), "ZZZZZZZZ");
        // 0x08 0x42 ... : the first 5 bits 00001 -> '2', next 00001 -> '2'.
        assert_eq!(PairingCode::from_bytes([0x08, 0x42, 0x10, 0x84, 0x21]).as_str(), "22222222");
        let code = PairingCode::from_bytes([0x12, 0x34, 0x56, 0x78, 0x9a]);
        assert_eq!(code.to_string().len(), 9);
        assert_eq!(PairingCode::parse(&code.to_string()).unwrap(), code);
    }

    #[test]
    fn parse_rejects_bad_codes() {
        assert_eq!(PairingCode::parse("abcd-efgh").unwrap().as_str(), "ABCDEFGH");
        assert_eq!(PairingCode::parse("ABCD-EFG"), Err(PairingCodeError::Length(7)));
        assert_eq!(PairingCode::parse("ABCD-EFG0"), Err(PairingCodeError::InvalidChar('0')));
        assert_eq!(PairingCode::parse("ABCD-EFGU"), Err(PairingCodeError::InvalidChar('U')));
        assert_eq!(PairingCode::parse("ABCD-EFGé"), Err(PairingCodeError::InvalidChar('é')));
    }

    #[test]
    fn wrap_round_trip_and_short_input() {
        let code = PairingCode::parse("ABCD-EFGH").unwrap();
        let pk = PublicKey([7; 32]);
        let wrapped = code.wrap(&pk, &[1; 32], &[2; 16]);
        assert_eq!(&wrapped[..32], &[1; 32]);
        assert_eq!(&wrapped[32..48], &[2; 16]);
        assert_ne!(&wrapped[48..], &pk.0);
        assert_eq!(code.unwrap(&wrapped).unwrap(), pk);
        let mut longer = wrapped.to_vec();
        longer.push(0);
        assert_eq!(code.unwrap(&longer).unwrap(), pk);
        assert_eq!(code.unwrap(&wrapped[..79]), Err(WrappedKeyTooShort(79)));
        let other = PairingCode::parse("ABCD-EFGJ").unwrap();
        assert_ne!(other.unwrap(&wrapped).unwrap(), pk);
    }
}
