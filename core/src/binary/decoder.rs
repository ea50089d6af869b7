//! Bytes -> node. Every read is bounds-checked; malformed input is a [`DecodeError`], never a
//! panic, and neither nesting depth nor pre-allocation can be driven by the input beyond its size.

use std::borrow::Cow;
use std::io::Read;

use super::error::DecodeError;
use super::jid::{Jid, Server};
use super::node::{AttrValue, Content, Node};
use super::token::{tag, DictVersion, Dictionary};

/// Default bound on the size of an inflated (zlib) frame.
pub const DEFAULT_MAX_INFLATED: usize = 32 << 20;
/// Deepest node nesting accepted (real stanzas nest fewer than 10 levels).
pub const MAX_DEPTH: usize = 64;

/// Reads nodes with one token dictionary.
#[derive(Clone, Copy)]
pub struct Decoder {
    dict: &'static Dictionary,
    max_inflated: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(DictVersion::V3)
    }
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder").field("max_inflated", &self.max_inflated).finish()
    }
}

impl Decoder {
    pub fn new(version: DictVersion) -> Decoder {
        Decoder { dict: Dictionary::get(version), max_inflated: DEFAULT_MAX_INFLATED }
    }

    /// Sets the largest inflated size accepted for compressed frames.
    pub fn with_max_inflated(mut self, limit: usize) -> Decoder {
        self.max_inflated = limit;
        self
    }

    /// Decodes a frame body: the flags byte (bit 1 = zlib-compressed remainder), then a node.
    pub fn decode(&self, frame: &[u8]) -> Result<Node, DecodeError> {
        let (&flags, body) =
            frame.split_first().ok_or(DecodeError::UnexpectedEof { position: 0, needed: 1 })?;
        if flags & 2 != 0 {
            let inflated = self.inflate(body)?;
            self.decode_node(&inflated)
        } else {
            self.decode_node(body)
        }
    }

    /// Decodes a node without flags byte; the node must fill `data` exactly.
    pub fn decode_node(&self, data: &[u8]) -> Result<Node, DecodeError> {
        let mut reader = Reader { data, pos: 0, dict: self.dict };
        let node = reader.node(0)?;
        match data.len() - reader.pos {
            0 => Ok(node),
            count => Err(DecodeError::TrailingBytes { count }),
        }
    }

    fn inflate(&self, compressed: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let limit = self.max_inflated;
        let mut out = Vec::with_capacity(compressed.len().saturating_mul(4).min(limit));
        flate2::read::ZlibDecoder::new(compressed)
            .take(limit as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| DecodeError::Zlib(e.to_string()))?;
        if out.len() > limit {
            return Err(DecodeError::TooLarge { limit });
        }
        Ok(out)
    }
}

/// Characters of NIBBLE_8 nibbles; 0 marks an invalid nibble (0xF is only the odd filler).
const NIBBLE_CHARS: [u8; 16] = *b"0123456789-.\0\0\0\0";
const HEX_CHARS: [u8; 16] = *b"0123456789ABCDEF";
/// The two characters of every packed byte, so unpacking is one lookup per byte.
const NIBBLE_PAIRS: [[u8; 2]; 256] = pair_table(&NIBBLE_CHARS);
const HEX_PAIRS: [[u8; 2]; 256] = pair_table(&HEX_CHARS);

const fn pair_table(chars: &[u8; 16]) -> [[u8; 2]; 256] {
    let mut table = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [chars[b >> 4], chars[b & 0x0F]];
        b += 1;
    }
    table
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    dict: &'static Dictionary,
}

impl<'a> Reader<'a> {
    #[inline]
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    #[inline]
    fn byte(&mut self) -> Result<u8, DecodeError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(DecodeError::UnexpectedEof { position: self.pos, needed: 1 }),
        }
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let remaining = self.remaining();
        if n > remaining {
            return Err(DecodeError::UnexpectedEof { position: self.pos, needed: n - remaining });
        }
        let bytes = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    #[inline]
    fn uint(&mut self, n: usize) -> Result<usize, DecodeError> {
        Ok(self.take(n)?.iter().fold(0usize, |acc, &b| acc << 8 | b as usize))
    }

    fn list_size(&mut self, t: u8, at: usize) -> Result<usize, DecodeError> {
        match t {
            tag::LIST_EMPTY => Ok(0),
            tag::LIST_8 => Ok(self.byte()? as usize),
            tag::LIST_16 => self.uint(2),
            _ => Err(DecodeError::UnexpectedTag { tag: t, position: at, expected: "a list" }),
        }
    }

    /// The length after a BINARY_8/20/32 tag (BINARY_20 keeps the low 20 bits of 3 bytes).
    #[inline]
    fn binary_len(&mut self, t: u8) -> Result<usize, DecodeError> {
        match t {
            tag::BINARY_8 => Ok(self.byte()? as usize),
            tag::BINARY_20 => Ok(self.uint(3)? & 0x0F_FFFF),
            _ => self.uint(4),
        }
    }

    fn node(&mut self, depth: usize) -> Result<Node, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep { limit: MAX_DEPTH });
        }
        let start = self.pos;
        let t = self.byte()?;
        let size = self.list_size(t, start)?;
        if size == 0 {
            return Err(DecodeError::EmptyNode { position: start });
        }
        let tag = self.string("a node tag")?;
        if tag.is_empty() {
            return Err(DecodeError::EmptyNode { position: start });
        }
        let attr_count = (size - 1) / 2;
        // Each attribute takes at least two bytes: cap what a lying header can allocate.
        let mut attrs = Vec::with_capacity(attr_count.min(self.remaining() / 2));
        for _ in 0..attr_count {
            let key = self.string("an attribute key")?;
            let value = self.attr_value()?;
            attrs.push((key, value));
        }
        let content = if size % 2 == 0 { self.content(depth)? } else { Content::None };
        Ok(Node { tag, attrs, content })
    }

    #[inline(always)]
    fn attr_value(&mut self) -> Result<AttrValue, DecodeError> {
        let at = self.pos;
        let t = self.byte()?;
        Ok(match t {
            // Baileys 6 writes "" as LIST_EMPTY.
            tag::LIST_EMPTY => AttrValue::Str(Cow::Borrowed("")),
            tag::JID_PAIR | tag::AD_JID | tag::FB_JID | tag::INTEROP_JID => {
                AttrValue::Jid(self.jid(t, at)?)
            }
            _ => AttrValue::Str(self.string_tagged(t, at, "an attribute value")?),
        })
    }

    fn content(&mut self, depth: usize) -> Result<Content, DecodeError> {
        let at = self.pos;
        let t = self.byte()?;
        Ok(match t {
            tag::LIST_EMPTY | tag::LIST_8 | tag::LIST_16 => {
                let count = self.list_size(t, at)?;
                // Each node takes at least two bytes.
                let mut children = Vec::with_capacity(count.min(self.remaining() / 2));
                for _ in 0..count {
                    children.push(self.node(depth + 1)?);
                }
                Content::Nodes(children)
            }
            tag::BINARY_8 | tag::BINARY_20 | tag::BINARY_32 => {
                let len = self.binary_len(t)?;
                Content::Bytes(self.take(len)?.to_vec())
            }
            tag::JID_PAIR | tag::AD_JID | tag::FB_JID | tag::INTEROP_JID => {
                Content::Text(Cow::Owned(self.jid(t, at)?.to_string()))
            }
            _ => Content::Text(self.string_tagged(t, at, "content")?),
        })
    }

    #[inline(always)]
    fn string(&mut self, expected: &'static str) -> Result<Cow<'static, str>, DecodeError> {
        let at = self.pos;
        let t = self.byte()?;
        self.string_tagged(t, at, expected)
    }

    /// A string after its tag byte `t` (read at `at`): token, packed or raw UTF-8.
    #[inline(always)]
    fn string_tagged(
        &mut self,
        t: u8,
        at: usize,
        expected: &'static str,
    ) -> Result<Cow<'static, str>, DecodeError> {
        match t {
            tag::DICTIONARY_0..=tag::DICTIONARY_3 => {
                let index = self.byte()?;
                self.dict
                    .double(t - tag::DICTIONARY_0, index)
                    .map(Cow::Borrowed)
                    .ok_or(DecodeError::InvalidTag { tag: t, position: at })
            }
            tag::BINARY_8 | tag::BINARY_20 | tag::BINARY_32 => {
                let len = self.binary_len(t)?;
                let bytes = self.take(len)?;
                let text =
                    std::str::from_utf8(bytes).map_err(|_| DecodeError::Utf8 { position: at })?;
                Ok(Cow::Owned(text.to_owned()))
            }
            tag::NIBBLE_8 | tag::HEX_8 => self.packed(t).map(Cow::Owned),
            tag::LIST_EMPTY
            | tag::LIST_8
            | tag::LIST_16
            | tag::JID_PAIR
            | tag::AD_JID
            | tag::FB_JID
            | tag::INTEROP_JID => {
                Err(DecodeError::UnexpectedTag { tag: t, position: at, expected })
            }
            _ => self
                .dict
                .single(t)
                .map(Cow::Borrowed)
                .ok_or(DecodeError::InvalidTag { tag: t, position: at }),
        }
    }

    fn packed(&mut self, t: u8) -> Result<String, DecodeError> {
        let head_at = self.pos;
        let head = self.byte()?;
        let pairs = (head & 0x7F) as usize;
        let odd = head & 0x80 != 0;
        if odd && pairs == 0 {
            return Err(DecodeError::InvalidPackedLength { position: head_at });
        }
        let start = self.pos;
        let bytes = self.take(pairs)?;
        let table = if t == tag::NIBBLE_8 { &NIBBLE_PAIRS } else { &HEX_PAIRS };
        // Unpacked on the stack (at most 127 pairs), then copied once into the string.
        let mut buf = [0u8; 2 * 127];
        for (dst, &b) in buf.chunks_exact_mut(2).zip(bytes) {
            dst.copy_from_slice(&table[b as usize]);
        }
        // An odd length drops the filler nibble, whatever it holds.
        let text = &buf[..pairs * 2 - usize::from(odd)];
        // A zero marks an invalid nibble (only possible in NIBBLE_8).
        if let Some(at) = text.iter().position(|&c| c == 0) {
            let b = bytes[at / 2];
            let nibble = if at % 2 == 0 { b >> 4 } else { b & 0x0F };
            return Err(DecodeError::InvalidNibble { nibble, position: start + at / 2 });
        }
        let text =
            std::str::from_utf8(text).map_err(|_| DecodeError::Utf8 { position: head_at })?;
        Ok(text.to_owned())
    }

    /// A JID's user: a string, or LIST_EMPTY for none.
    fn jid_user(&mut self) -> Result<String, DecodeError> {
        let at = self.pos;
        match self.byte()? {
            tag::LIST_EMPTY => Ok(String::new()),
            t => Ok(self.string_tagged(t, at, "a JID user")?.into_owned()),
        }
    }

    fn jid(&mut self, t: u8, at: usize) -> Result<Jid, DecodeError> {
        let invalid = |reason| DecodeError::InvalidJid { position: at, reason };
        match t {
            tag::JID_PAIR => {
                let user = self.jid_user()?;
                let server_at = self.pos;
                let server = match self.byte()? {
                    tag::LIST_EMPTY => return Err(invalid("JID pair without server")),
                    st => self.string_tagged(st, server_at, "a JID server")?,
                };
                if server.is_empty() {
                    return Err(invalid("JID pair with an empty server"));
                }
                Ok(Jid::new(user, Server::parse(&server)))
            }
            tag::AD_JID => {
                let domain = self.byte()?;
                let device = self.byte()?;
                let user = self.jid_user()?;
                // whatsmeow NewADJID: known domains pick the server, other bytes are agents.
                let (server, agent) = match domain {
                    0 => (Server::Pn, 0),
                    1 => (Server::Lid, 0),
                    128 => (Server::Hosted, 0),
                    129 => (Server::HostedLid, 0),
                    agent => (Server::Pn, agent),
                };
                Ok(Jid { user, agent, device: device as u16, integrator: 0, server })
            }
            tag::FB_JID => {
                let user = self.jid_user()?;
                let device = self.uint(2)? as u16;
                if self.string("a JID server")? != "msgr" {
                    return Err(invalid("FB_JID server is not msgr"));
                }
                Ok(Jid::new(user, Server::Messenger).with_device(device))
            }
            _ => {
                let user = self.jid_user()?;
                let device = self.uint(2)? as u16;
                let integrator = self.uint(2)? as u16;
                if self.string("a JID server")? != "interop" {
                    return Err(invalid("INTEROP_JID server is not interop"));
                }
                Ok(Jid { user, agent: 0, device, integrator, server: Server::Interop })
            }
        }
    }
}
