//! X25519 (RFC 7748) on the fastest curve25519-dalek backend for the CPU.
//!
//! curve25519-dalek runs the Montgomery ladder (`MontgomeryPoint::mul_clamped`, what
//! x25519-dalek calls) on its serial field arithmetic only; its AVX2 backend, picked at run time,
//! serves Edwards-form arithmetic. Where AVX2 is there, an agreement therefore goes through the
//! birationally equivalent Edwards curve: the peer's u becomes an Edwards point (either sign:
//! u([k]P) = u([k](−P))), is multiplied by the same clamped scalar, and comes back as u. The
//! result is the ladder's, bit for bit (the tests compare both on random and edge-case inputs);
//! a u with no Edwards point (on the twist, or u = −1) takes the ladder. Measured on the 2-core
//! AMD EPYC (`core/benches/counts.rs`, x25519_*: instructions, thread CPU time): ladder 638 k,
//! 52 µs; Edwards path 427 k, 39–43 µs; 351 k, 31 µs when the peer's Edwards form is known.
//!
//! A peer key usually serves several agreements in a row (both root steps of a DH ratchet step,
//! three or four X3DH agreements with a signed prekey or a base key), so each thread keeps the
//! Edwards forms of the last few peer keys it converted. They are public values keyed by public
//! data: a hit cannot change a result.
use std::cell::RefCell;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::montgomery::MontgomeryPoint;

/// Peer keys remembered per thread (a ratchet step uses one key twice, X3DH up to four times).
const RECENT: usize = 4;

thread_local! {
    static RECENT_PEERS: RefCell<Recent> = const { RefCell::new(Recent { keys: [None; RECENT], next: 0 }) };
}

struct Recent {
    keys: [Option<([u8; 32], Option<EdwardsPoint>)>; RECENT],
    next: usize,
}

/// The X25519 function: `u([clamp(private)] peer)`.
pub(crate) fn agree(private: &[u8; 32], peer: &[u8; 32]) -> [u8; 32] {
    if edwards_is_faster() {
        if let Some(point) = edwards_form(peer) {
            return point.mul_clamped(*private).to_montgomery().0;
        }
    }
    ladder(private, peer)
}

fn ladder(private: &[u8; 32], peer: &[u8; 32]) -> [u8; 32] {
    MontgomeryPoint(*peer).mul_clamped(*private).0
}

/// True where curve25519-dalek's vector backend runs Edwards arithmetic (x86-64 with AVX2, the
/// same run-time test it makes); elsewhere the serial Edwards multiplication would be slower
/// than the ladder.
fn edwards_is_faster() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// An Edwards point with Montgomery coordinate `u` (`None` when there is none), from the
/// thread's recent keys or converted (a field inversion and a square root) and remembered.
fn edwards_form(u: &[u8; 32]) -> Option<EdwardsPoint> {
    RECENT_PEERS.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some((_, point)) = recent.keys.iter().flatten().find(|(key, _)| key == u) {
            return *point;
        }
        let point = MontgomeryPoint(*u).to_edwards(0);
        let slot = recent.next;
        recent.keys[slot] = Some((*u, point));
        recent.next = (slot + 1) % RECENT;
        point
    })
}

#[cfg(test)]
mod tests {
    use rand::{Rng, RngCore};

    use super::*;

    /// Low-order points and values around p, where the two forms meet their exceptions.
    fn edge_cases() -> Vec<[u8; 32]> {
        let mut cases = Vec::new();
        let p_minus = |k: u8| {
            let mut u = [0xff; 32];
            u[0] = 0xed - k;
            u[31] = 0x7f;
            u
        };
        for small in [0u8, 1, 2, 9] {
            let mut u = [0u8; 32];
            u[0] = small;
            cases.push(u);
        }
        // p - 1 (= -1), p, p + 1 (non-canonical 0 and 1), 2^255 - 1, and with the top bit set.
        cases.push(p_minus(1));
        cases.push(p_minus(0));
        let mut p_plus_1 = p_minus(0);
        p_plus_1[0] = 0xee;
        cases.push(p_plus_1);
        cases.push([0xff; 32]);
        let mut top = [0u8; 32];
        top[0] = 9;
        top[31] = 0x80;
        cases.push(top);
        // The order-8 points of RFC 7748 / libsodium's blocklist.
        for hex in [
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        ] {
            let bytes: Vec<u8> =
                (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
            cases.push(bytes.try_into().unwrap());
        }
        cases
    }

    #[test]
    fn edwards_path_equals_the_ladder() {
        let mut rng = rand::thread_rng();
        let mut inputs = edge_cases();
        // Random u: about half on the curve, half on the twist.
        for _ in 0..300 {
            let mut u = [0u8; 32];
            rng.fill_bytes(&mut u);
            inputs.push(u);
        }
        for u in inputs {
            for _ in 0..3 {
                let private: [u8; 32] = rng.gen();
                let want = ladder(&private, &u);
                if let Some(point) = MontgomeryPoint(u).to_edwards(0) {
                    assert_eq!(point.mul_clamped(private).to_montgomery().0, want, "u = {u:02x?}");
                }
                // And through the cache, twice (a miss, then a hit).
                assert_eq!(agree(&private, &u), want);
                assert_eq!(agree(&private, &u), want);
            }
        }
    }

    #[test]
    fn rfc7748_vector() {
        // RFC 7748 §5.2, the first X25519 test vector.
        let hex = |s: &str| -> [u8; 32] {
            (0..32)
                .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
                .collect::<Vec<u8>>()
                .try_into()
                .unwrap()
        };
        let k = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        let u = hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        let want = hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        assert_eq!(agree(&k, &u), want);
        assert_eq!(ladder(&k, &u), want);
    }
}
