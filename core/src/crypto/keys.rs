//! Curve25519 key pairs as libsignal and WhatsApp use them: clamped private scalars and
//! Montgomery-u public keys. Inside Signal protobufs a public key carries a type byte (0x05).
use rand::{CryptoRng, RngCore};
use x25519_dalek::{PublicKey as XPublic, StaticSecret};
use zeroize::Zeroize;

use super::CryptoError;

/// The "DJB" key-type byte that prefixes Curve25519 public keys in Signal's serialisation.
pub const DJB_TYPE: u8 = 0x05;

/// A 32-byte Curve25519 public key (Montgomery u coordinate, little endian).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl PublicKey {
    /// Parses 32 raw bytes, or 33 bytes starting with the 0x05 type byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        match bytes.len() {
            32 => Ok(Self(bytes.try_into().expect("length checked"))),
            33 if bytes[0] == DJB_TYPE => Ok(Self(bytes[1..].try_into().expect("length checked"))),
            33 => Err(CryptoError::InvalidPublicKey("unknown key type byte")),
            got => Err(CryptoError::InvalidKeyLength { expected: 32, got }),
        }
    }

    /// The 33-byte Signal serialisation (0x05 ‖ key).
    pub fn serialize(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0] = DJB_TYPE;
        out[1..].copy_from_slice(&self.0);
        out
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A Curve25519 key pair. The private key is stored clamped, as libsignal stores it.
#[derive(Clone)]
pub struct KeyPair {
    private: [u8; 32],
    pub public: PublicKey,
}

impl Drop for KeyPair {
    fn drop(&mut self) {
        self.private.zeroize();
    }
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair").field("public", &self.public).finish_non_exhaustive()
    }
}

/// Clamps a scalar as X25519 does (RFC 7748).
pub(crate) fn clamp(mut k: [u8; 32]) -> [u8; 32] {
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    k
}

impl KeyPair {
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut k = [0u8; 32];
        rng.fill_bytes(&mut k);
        Self::from_private(k)
    }

    /// Builds a key pair from a private key; the key is clamped first.
    pub fn from_private(private: [u8; 32]) -> Self {
        let private = clamp(private);
        let public = XPublic::from(&StaticSecret::from(private));
        Self { private, public: PublicKey(public.to_bytes()) }
    }

    /// A key pair read back from our own storage, whose public key was derived from the private
    /// one when the pair was made: it is taken as stored, since deriving it again costs a
    /// base-point multiplication for every key of every record loaded.
    pub(crate) fn from_stored(private: [u8; 32], public: PublicKey) -> Self {
        Self { private: clamp(private), public }
    }

    pub fn private_bytes(&self) -> &[u8; 32] {
        &self.private
    }

    /// X25519 agreement with a peer's public key (on the fastest backend: see
    /// [`super::x25519`]).
    pub fn agree(&self, peer: &PublicKey) -> [u8; 32] {
        super::x25519::agree(&self.private, &peer.0)
    }

    /// A libsignal "curve25519 signature" over `message` (see [`super::sign`]); the Edwards
    /// form of the public key is cached across calls.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        super::sign_cached(&self.private, &self.public, message)
    }
}
