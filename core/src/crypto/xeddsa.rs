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

use super::edwards_cache::{self, VerifyingPoint};
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
    sign_with_a(&a_bytes, &a, &EdwardsPoint::mul_base(&a).compress().0, message)
}

/// [`sign`] for a key whose Montgomery public key is known: the Edwards form of the public key
/// is taken from the cache (computed and checked against `public` on the first use), which
/// saves one base-point multiplication per signature. Same output as [`sign`].
pub(crate) fn sign_cached(private: &[u8; 32], public: &PublicKey, message: &[u8]) -> [u8; 64] {
    let a_bytes = clamp(*private);
    let a = Scalar::from_bytes_mod_order(a_bytes);
    let big_a = match edwards_cache::signing(&public.0) {
        Some(big_a) => big_a,
        None => {
            let point = EdwardsPoint::mul_base(&a);
            let big_a = point.compress().0;
            // Only a key pair that really matches is remembered.
            if point.to_montgomery().0 == public.0 {
                edwards_cache::remember_signing(public.0, big_a);
            }
            big_a
        }
    };
    sign_with_a(&a_bytes, &a, &big_a, message)
}

fn sign_with_a(a_bytes: &[u8; 32], a: &Scalar, big_a: &[u8; 32], message: &[u8]) -> [u8; 64] {
    let sign_bit = big_a[31] & 0x80;
    let r = hash_scalar(&[a_bytes, message]);
    let big_r = EdwardsPoint::mul_base(&r).compress();
    let h = hash_scalar(&[&big_r.0, big_a, message]);
    let s = r + h * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r.0);
    sig[32..].copy_from_slice(s.as_bytes());
    sig[63] |= sign_bit;
    sig
}

/// The Edwards form of `public` with the sign bit `sign`, from the cache or computed (and
/// remembered).
fn verifying_point(public: &PublicKey, sign: u8) -> Result<VerifyingPoint, CryptoError> {
    if let Some(point) = edwards_cache::verifying(&public.0, sign) {
        return Ok(point);
    }
    let edwards = MontgomeryPoint(public.0)
        .to_edwards(sign)
        .ok_or(CryptoError::InvalidPublicKey("not convertible to an Edwards point"))?;
    let point = VerifyingPoint { minus_a: -edwards, a_compressed: edwards.compress().0 };
    edwards_cache::remember_verifying(public.0, sign, point);
    Ok(point)
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
    let big_a = verifying_point(public, sign)?;
    let mut s_bytes: [u8; 32] = sig[32..].try_into().expect("64-byte signature");
    s_bytes[31] &= 0x7f;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))
        .ok_or(CryptoError::BadSignature)?;
    let r_bytes: [u8; 32] = sig[..32].try_into().expect("64-byte signature");
    // Reject R encodings that are not points, as Ed25519 verifiers do.
    CompressedEdwardsY(r_bytes).decompress().ok_or(CryptoError::BadSignature)?;
    let h = hash_scalar(&[&r_bytes, &big_a.a_compressed, message]);
    let check =
        EdwardsPoint::vartime_double_scalar_mul_basepoint(&h, &big_a.minus_a, &s).compress();
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

#[cfg(test)]
mod tests {
    use rand::rngs::OsRng;

    use super::*;
    use crate::crypto::KeyPair;

    #[test]
    fn cached_signatures_and_verifications_equal_the_uncached_ones() {
        let pair = KeyPair::generate(&mut OsRng);
        for message in [&b"first"[..], b"second", b""] {
            let plain = sign(pair.private_bytes(), message);
            // Twice: the first call fills the cache, the second uses it.
            assert_eq!(sign_cached(pair.private_bytes(), &pair.public, message), plain);
            assert_eq!(pair.sign(message), plain);
            assert!(verify(&pair.public, message, &plain));
            assert!(verify(&pair.public, message, &plain));
            assert!(!verify(&pair.public, b"other", &plain));
        }
    }

    #[test]
    fn a_public_key_that_does_not_match_the_private_key_is_not_cached() {
        let (pair, other) = (KeyPair::generate(&mut OsRng), KeyPair::generate(&mut OsRng));
        // A wrong public key gives a signature for the private key (not cached for `other`)…
        let wrong = sign_cached(pair.private_bytes(), &other.public, b"m");
        assert_eq!(wrong, sign(pair.private_bytes(), b"m"));
        // …so `other` still signs with its own Edwards key afterwards.
        let right = other.sign(b"m");
        assert_eq!(right, sign(other.private_bytes(), b"m"));
        assert!(verify(&other.public, b"m", &right));
    }

    #[test]
    fn a_flipped_sign_bit_fails_with_and_without_the_cache() {
        let pair = KeyPair::generate(&mut OsRng);
        let mut sig = pair.sign(b"m");
        assert!(verify(&pair.public, b"m", &sig));
        sig[63] ^= 0x80;
        assert!(!verify(&pair.public, b"m", &sig));
        assert!(!verify(&pair.public, b"m", &sig));
    }
}
