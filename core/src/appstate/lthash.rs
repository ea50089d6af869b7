//! WhatsApp's LTHash ("WhatsApp Patch Integrity"): 128 bytes read as 64 little-endian u16
//! lanes; adding a value MAC adds HKDF-SHA256(mac, no salt, info, 128) lane by lane, wrapping,
//! and removing subtracts it, so the hash depends only on which MACs are live, not on the order
//! they came in (whatsmeow `appstate/lthash`, Baileys `lt-hash.ts`).
use crate::crypto::hkdf_sha256_into;

const INFO: &[u8] = b"WhatsApp Patch Integrity";

/// The 128-byte hash state of one collection.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct LtHash(pub [u8; 128]);

impl Default for LtHash {
    fn default() -> Self {
        LtHash([0; 128])
    }
}

impl std::fmt::Debug for LtHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LtHash({:02x}{:02x}{:02x}{:02x}…)", self.0[0], self.0[1], self.0[2], self.0[3])
    }
}

impl LtHash {
    /// From stored bytes; `None` unless there are exactly 128.
    pub fn from_slice(bytes: &[u8]) -> Option<LtHash> {
        bytes.try_into().ok().map(LtHash)
    }

    pub fn add(&mut self, value_mac: &[u8]) {
        self.mix(value_mac, u16::wrapping_add);
    }

    pub fn subtract(&mut self, value_mac: &[u8]) {
        self.mix(value_mac, u16::wrapping_sub);
    }

    fn mix(&mut self, value_mac: &[u8], op: fn(u16, u16) -> u16) {
        let mut expanded = [0u8; 128];
        hkdf_sha256_into(value_mac, None, INFO, &mut expanded)
            .expect("128 bytes is a valid HKDF-SHA256 length");
        for (lane, other) in self.0.chunks_exact_mut(2).zip(expanded.chunks_exact(2)) {
            let a = u16::from_le_bytes([lane[0], lane[1]]);
            let b = u16::from_le_bytes([other[0], other[1]]);
            lane.copy_from_slice(&op(a, b).to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter_and_subtract_undoes_add() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let mut x = LtHash::default();
        x.add(&a);
        x.add(&b);
        let mut y = LtHash::default();
        y.add(&b);
        y.add(&a);
        assert_eq!(x, y);
        x.subtract(&a);
        x.subtract(&b);
        assert_eq!(x, LtHash::default());
    }
}
