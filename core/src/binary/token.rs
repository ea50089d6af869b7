//! Tag bytes and the token dictionaries, with a string -> token index built at compile time.
//!
//! The encoder looks up every tag, key and value, so the lookup is on the hot path: an
//! open-addressing table with a cheap multiplicative hash over the first and last 8 bytes
//! (one or two probes, one string comparison), built by a `const fn` so it costs nothing at
//! start-up.

use super::{tokens_v2, tokens_v3};

/// Tag bytes of the binary XML format (whatsmeow binary/token/token.go, Baileys constants.js).
pub mod tag {
    pub const LIST_EMPTY: u8 = 0;
    pub const DICTIONARY_0: u8 = 236;
    pub const DICTIONARY_1: u8 = 237;
    pub const DICTIONARY_2: u8 = 238;
    pub const DICTIONARY_3: u8 = 239;
    pub const INTEROP_JID: u8 = 245;
    pub const FB_JID: u8 = 246;
    pub const AD_JID: u8 = 247;
    pub const LIST_8: u8 = 248;
    pub const LIST_16: u8 = 249;
    pub const JID_PAIR: u8 = 250;
    pub const HEX_8: u8 = 251;
    pub const BINARY_8: u8 = 252;
    pub const BINARY_20: u8 = 253;
    pub const BINARY_32: u8 = 254;
    pub const NIBBLE_8: u8 = 255;
}

/// The longest string NIBBLE_8/HEX_8 may pack (the length byte keeps 7 bits for byte pairs).
pub const PACKED_MAX: usize = 127;

/// Which token dictionary both sides agreed on in the Noise prologue (`WA 06 <version>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DictVersion {
    /// Baileys 6.x (prologue `WA 06 02`).
    V2,
    /// Current WhatsApp Web and whatsmeow (prologue `WA 06 03`).
    #[default]
    V3,
}

impl DictVersion {
    /// The byte announced in the connection prologue.
    pub fn prologue_byte(self) -> u8 {
        match self {
            DictVersion::V2 => 2,
            DictVersion::V3 => 3,
        }
    }
}

/// Where a token lives on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// One byte: the index into the single-byte table (1..=235).
    Single(u8),
    /// `DICTIONARY_0 + dict`, then `index`.
    Double { dict: u8, index: u8 },
}

const INDEX_BITS: u32 = 12;
const INDEX_SLOTS: usize = 1 << INDEX_BITS;
/// Tokens in double dictionary `d` get codes `DOUBLE_BASE + 256 * d + index`; single tokens keep
/// their byte as code; 0 marks an empty slot.
const DOUBLE_BASE: usize = 256;

/// One dictionary version: both tables and the lookup index.
pub struct Dictionary {
    single: &'static [&'static str; 236],
    double: &'static [[&'static str; 256]; 4],
    index: &'static [u16; INDEX_SLOTS],
    max_len: usize,
}

static V3: Dictionary = Dictionary {
    single: &tokens_v3::SINGLE,
    double: &tokens_v3::DOUBLE,
    index: &build_index(&tokens_v3::SINGLE, &tokens_v3::DOUBLE),
    max_len: max_len(&tokens_v3::SINGLE, &tokens_v3::DOUBLE),
};

static V2: Dictionary = Dictionary {
    single: &tokens_v2::SINGLE,
    double: &tokens_v2::DOUBLE,
    index: &build_index(&tokens_v2::SINGLE, &tokens_v2::DOUBLE),
    max_len: max_len(&tokens_v2::SINGLE, &tokens_v2::DOUBLE),
};

impl Dictionary {
    pub fn get(version: DictVersion) -> &'static Dictionary {
        match version {
            DictVersion::V2 => &V2,
            DictVersion::V3 => &V3,
        }
    }

    /// The token for `s`, if it is one. The empty string is never a token.
    #[inline]
    pub fn lookup(&self, s: &str) -> Option<Token> {
        let bytes = s.as_bytes();
        if bytes.is_empty() || bytes.len() > self.max_len {
            return None;
        }
        let mut slot = hash_rt(bytes);
        loop {
            let code = self.index[slot] as usize;
            if code == 0 {
                return None;
            }
            if same_bytes(self.by_code(code).as_bytes(), bytes) {
                return Some(if code < DOUBLE_BASE {
                    Token::Single(code as u8)
                } else {
                    let d = code - DOUBLE_BASE;
                    Token::Double { dict: (d >> 8) as u8, index: d as u8 }
                });
            }
            slot = (slot + 1) & (INDEX_SLOTS - 1);
        }
    }

    /// The single-byte token for tag byte `byte`, if that byte is a token (1..=235).
    #[inline]
    pub fn single(&self, byte: u8) -> Option<&'static str> {
        match self.single.get(byte as usize) {
            Some(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// The double-byte token `(dict, index)`; `dict` must be 0..=3.
    #[inline]
    pub fn double(&self, dict: u8, index: u8) -> Option<&'static str> {
        self.double.get(dict as usize).map(|d| d[index as usize])
    }

    #[inline]
    fn by_code(&self, code: usize) -> &'static str {
        if code < DOUBLE_BASE {
            self.single[code]
        } else {
            let d = code - DOUBLE_BASE;
            self.double[d >> 8][d & 0xff]
        }
    }
}

/// The little-endian u64 at `at`: one bounds check and one load at run time ([`load8`] is
/// the same value for the compile-time index build).
#[inline(always)]
fn load8_rt(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn load4_rt(b: &[u8], at: usize) -> u64 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as u64
}

#[inline(always)]
const fn load8(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes([
        b[at],
        b[at + 1],
        b[at + 2],
        b[at + 3],
        b[at + 4],
        b[at + 5],
        b[at + 6],
        b[at + 7],
    ])
}

/// Byte equality without a `memcmp` call for the short strings tokens are: the two
/// overlapping 8-byte loads cover strings up to 16 bytes.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        load8_rt(a, 0) == load8_rt(b, 0)
            && load8_rt(a, n - 8) == load8_rt(b, n - 8)
            && (n <= 16 || a[8..n - 8] == b[8..n - 8])
    } else if n >= 4 {
        load4_rt(a, 0) == load4_rt(b, 0) && load4_rt(a, n - 4) == load4_rt(b, n - 4)
    } else {
        // n <= 3: positions 0, n/2 and n-1 cover every byte.
        n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
    }
}

#[inline(always)]
const fn load4(b: &[u8], at: usize) -> u64 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64
}

/// Hash of a non-empty string into `0..INDEX_SLOTS`, from its length and its first and last
/// bytes (overlapping loads, as in wyhash), so it costs the same for every length.
#[inline(always)]
const fn hash(b: &[u8]) -> usize {
    let n = b.len();
    let (head, tail) = if n >= 8 {
        (load8(b, 0), load8(b, n - 8))
    } else if n >= 4 {
        (load4(b, 0), load4(b, n - 4))
    } else {
        (((b[0] as u64) << 16) | ((b[n / 2] as u64) << 8) | b[n - 1] as u64, 0)
    };
    mix(head, tail, n)
}

/// [`hash`] at run time, with whole-word loads.
#[inline(always)]
fn hash_rt(b: &[u8]) -> usize {
    let n = b.len();
    let (head, tail) = if n >= 8 {
        (load8_rt(b, 0), load8_rt(b, n - 8))
    } else if n >= 4 {
        (load4_rt(b, 0), load4_rt(b, n - 4))
    } else {
        (((b[0] as u64) << 16) | ((b[n / 2] as u64) << 8) | b[n - 1] as u64, 0)
    };
    mix(head, tail, n)
}

#[inline(always)]
const fn mix(head: u64, tail: u64, n: usize) -> usize {
    let mixed = (head ^ tail.rotate_left(29) ^ ((n as u64) << 56))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (mixed >> (64 - INDEX_BITS)) as usize
}

const fn build_index(single: &[&str; 236], double: &[[&str; 256]; 4]) -> [u16; INDEX_SLOTS] {
    let mut table = [0u16; INDEX_SLOTS];
    let mut code = 1;
    while code < DOUBLE_BASE + 4 * 256 {
        let token = if code < single.len() {
            single[code]
        } else if code >= DOUBLE_BASE {
            let d = code - DOUBLE_BASE;
            double[d >> 8][d & 0xff]
        } else {
            ""
        };
        if !token.is_empty() {
            let mut slot = hash(token.as_bytes());
            while table[slot] != 0 {
                slot = (slot + 1) & (INDEX_SLOTS - 1);
            }
            table[slot] = code as u16;
        }
        code += 1;
    }
    table
}

const fn max_len(single: &[&str; 236], double: &[[&str; 256]; 4]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < single.len() {
        if single[i].len() > max {
            max = single[i].len();
        }
        i += 1;
    }
    let mut d = 0;
    while d < 4 {
        let mut j = 0;
        while j < 256 {
            if double[d][j].len() > max {
                max = double[d][j].len();
            }
            j += 1;
        }
        d += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_is_found_at_its_own_position() {
        for version in [DictVersion::V2, DictVersion::V3] {
            let dict = Dictionary::get(version);
            for (i, s) in dict.single.iter().enumerate().skip(1) {
                assert_eq!(dict.lookup(s), Some(Token::Single(i as u8)), "{s}");
                assert_eq!(dict.single(i as u8), Some(*s));
            }
            for (d, table) in dict.double.iter().enumerate() {
                for (j, s) in table.iter().enumerate() {
                    let expected = Token::Double { dict: d as u8, index: j as u8 };
                    assert_eq!(dict.lookup(s), Some(expected), "{s}");
                    assert_eq!(dict.double(d as u8, j as u8), Some(*s));
                }
            }
        }
    }

    #[test]
    fn non_tokens_are_not_found() {
        let dict = Dictionary::get(DictVersion::V3);
        for s in ["", "x", "messages", "messag", "3EB0C767F26C8A9A1E3F", "newsletter", "hosted"] {
            assert_eq!(dict.lookup(s), None, "{s:?}");
        }
        assert_eq!(dict.single(0), None);
        assert_eq!(dict.double(4, 0), None);
        // "lid" is a v3 token but not a v2 one.
        assert!(dict.lookup("lid").is_some());
        assert_eq!(Dictionary::get(DictVersion::V2).lookup("lid"), None);
    }

    #[test]
    fn probes_stay_short() {
        // The index is sparse enough that a miss ends after a few slots.
        let dict = Dictionary::get(DictVersion::V3);
        let mut longest = 0;
        let mut run = 0;
        for slot in dict.index.iter().chain(dict.index.iter()) {
            run = if *slot == 0 { 0 } else { run + 1 };
            longest = longest.max(run);
        }
        assert!(longest < 16, "longest cluster {longest}");
    }
}
