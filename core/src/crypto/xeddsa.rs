//! libsignal's "curve25519 signature" (the XEdDSA variant WhatsApp uses).
//!
//! Signing converts the Montgomery private scalar to an Ed25519 key and keeps the real sign bit
//! of the Edwards public key in the top bit of `sig[63]` (S < 2^253 leaves it free). Verification
//! converts the Montgomery u to Edwards y = (u-1)/(u+1), takes the sign from `sig[63]`, clears it
//! and runs Ed25519 verification. The nonce is r = SHA512(a ‖ M), as libsignal-node computes it,
//! so signatures are deterministic and match the vectors byte for byte.
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use sha2::{Digest, Sha512};

use super::keys::clamp;
use super::{CryptoError, PublicKey};

fn hash_scalar(parts: &[&[u8]]) -> Scalar {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    Scalar::from_bytes_mod_order_wide(&h.finalize().into())
}

/// Signs `message` with a Curve25519 private key (clamped here if it is not already).
pub fn sign(private: &[u8; 32], message: &[u8]) -> [u8; 64] {
    let a_bytes = clamp(*private);
    let a = Scalar::from_bytes_mod_order(a_bytes);
    let big_a = EdwardsPoint::mul_base(&a).compress();
    let sign_bit = big_a.0[31] & 0x80;
    let r = hash_scalar(&[&a_bytes, message]);
    let big_r = EdwardsPoint::mul_base(&r).compress();
    let h = hash_scalar(&[&big_r.0, &big_a.0, message]);
    let s = r + h * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r.0);
    sig[32..].copy_from_slice(s.as_bytes());
    sig[63] |= sign_bit;
    sig
}

/// Verifies a signature; returns the reason on failure. Non-canonical S (S ≥ L) is rejected.
pub fn verify_strict_result(
    public: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let sig: &[u8; 64] = signature
        .try_into()
        .map_err(|_| CryptoError::InvalidKeyLength { expected: 64, got: signature.len() })?;
    let sign = sig[63] >> 7;
    let edwards = MontgomeryPoint(public.0)
        .to_edwards(sign)
        .ok_or(CryptoError::InvalidPublicKey("not convertible to an Edwards point"))?;
    let big_a = edwards.compress();
    let mut s_bytes: [u8; 32] = sig[32..].try_into().expect("64-byte signature");
    s_bytes[31] &= 0x7f;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))
        .ok_or(CryptoError::BadSignature)?;
    let r_bytes: [u8; 32] = sig[..32].try_into().expect("64-byte signature");
    // Reject R encodings that are not points, as Ed25519 verifiers do.
    CompressedEdwardsY(r_bytes).decompress().ok_or(CryptoError::BadSignature)?;
    let h = hash_scalar(&[&r_bytes, &big_a.0, message]);
    let check = EdwardsPoint::vartime_double_scalar_mul_basepoint(&h, &(-edwards), &s).compress();
    if check.0 == r_bytes {
        Ok(())
    } else {
        Err(CryptoError::BadSignature)
    }
}

/// Verifies a signature made by [`sign`] or by libsignal.
pub fn verify(public: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
    verify_strict_result(public, message, signature).is_ok()
}
