//! Process-wide caches of the Edwards forms of Curve25519 public keys, so that repeated
//! signatures and verifications with one key skip the point arithmetic that only depends on the
//! key: a signature then costs one base-point multiplication instead of two, and a verification
//! skips the Montgomery→Edwards conversion (a field inversion and a square root) and the
//! re-compression of A.
//!
//! Both caches are keyed by public data only (the Montgomery u and the sign bit) and hold
//! public values, so a hit can never change a result: a signature or verification with a cached
//! entry is byte-for-byte the one computed without it. They are bounded: when full they are
//! emptied and refilled by the keys in use.
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use curve25519_dalek::edwards::EdwardsPoint;

/// Entries per cache; a few thousand group senders and contacts fit.
const CAPACITY: usize = 4096;

/// What verification needs from a public key with a given sign bit.
#[derive(Clone, Copy)]
pub(crate) struct VerifyingPoint {
    /// −A, for the double-scalar multiplication `h·(−A) + s·B`.
    pub minus_a: EdwardsPoint,
    /// A compressed, as hashed into `h`.
    pub a_compressed: [u8; 32],
}

/// A Montgomery u coordinate (a public key) and a sign bit.
type SignedKey = ([u8; 32], u8);

/// Montgomery u of our own signing keys → compressed Edwards A (with its real sign bit).
static SIGNING: Mutex<Option<HashMap<[u8; 32], [u8; 32]>>> = Mutex::new(None);
/// (Montgomery u, sign bit) of peers' keys → their Edwards form.
static VERIFYING: Mutex<Option<HashMap<SignedKey, VerifyingPoint>>> = Mutex::new(None);

fn lock<T>(cache: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked (every update is a single insert).
    cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn insert<K: std::hash::Hash + Eq, V>(map: &mut Option<HashMap<K, V>>, key: K, value: V) {
    let map = map.get_or_insert_with(HashMap::new);
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, value);
}

pub(crate) fn signing(public: &[u8; 32]) -> Option<[u8; 32]> {
    lock(&SIGNING).as_ref()?.get(public).copied()
}

pub(crate) fn remember_signing(public: [u8; 32], a_compressed: [u8; 32]) {
    insert(&mut lock(&SIGNING), public, a_compressed);
}

pub(crate) fn verifying(public: &[u8; 32], sign: u8) -> Option<VerifyingPoint> {
    lock(&VERIFYING).as_ref()?.get(&(*public, sign)).copied()
}

pub(crate) fn remember_verifying(public: [u8; 32], sign: u8, point: VerifyingPoint) {
    insert(&mut lock(&VERIFYING), (public, sign), point);
}
