//! Node -> bytes. The output is a frame body: the 0x00 flags byte (not compressed), then the node.
//!
//! Strings are written in the order every implementation uses: single-byte token, double-byte
//! token, NIBBLE_8, HEX_8, then (attribute values and text content only) a JID when the text
//! parses as one, else raw BINARY_8/20/32.

use super::error::EncodeError;
use super::jid::{Jid, Server};
use super::node::{AttrValue, Content, Node};
use super::token::{tag, DictVersion, Dictionary, Token, PACKED_MAX};

/// Writes nodes with one token dictionary.
#[derive(Clone, Copy)]
pub struct Encoder {
    dict: &'static Dictionary,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new(DictVersion::V3)
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Encoder")
    }
}

impl Encoder {
    pub fn new(version: DictVersion) -> Encoder {
        Encoder { dict: Dictionary::get(version) }
    }

    /// The frame body for `node` (flags byte 0x00 + node).
    ///
    /// # Panics
    /// When the wire format cannot express the node (see [`EncodeError`]: more than 65535
    /// children or 32766 attributes, 4 GiB of content, an empty tag, an AD JID device above
    /// 255). Use [`Encoder::try_encode`] for nodes whose size comes from outside.
    pub fn encode(&self, node: &Node) -> Vec<u8> {
        match self.try_encode(node) {
            Ok(bytes) => bytes,
            Err(e) => panic!("node cannot be encoded: {e}"),
        }
    }

    /// Like [`Encoder::encode`], returning an error instead of panicking.
    pub fn try_encode(&self, node: &Node) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(1 + approx_len(node));
        self.encode_into(node, &mut out)?;
        Ok(out)
    }

    /// Appends the frame body for `node` to `out` (left unchanged on error).
    pub fn encode_into(&self, node: &Node, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        out.push(0);
        let result = Writer { out, dict: self.dict }.node(node);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }
}

/// An upper-bound guess of the encoded size, so the output is allocated once.
fn approx_len(node: &Node) -> usize {
    let mut len = 3 + node.tag.len();
    for (key, value) in &node.attrs {
        len += 2 + key.len();
        len += match value {
            AttrValue::Str(s) => 5 + s.len(),
            AttrValue::Jid(jid) => 12 + jid.user.len(),
        };
    }
    len + match &node.content {
        Content::None => 0,
        Content::Nodes(children) => 3 + children.iter().map(approx_len).sum::<usize>(),
        Content::Bytes(b) => 5 + b.len(),
        Content::Text(t) => 5 + t.len(),
    }
}

/// Character classes for packing: bit 0 = NIBBLE_8 (`0-9 - .`), bit 1 = HEX_8 (`0-9 A-F`).
const PACK_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = 3;
        c += 1;
    }
    t[b'-' as usize] = 1;
    t[b'.' as usize] = 1;
    let mut c = b'A';
    while c <= b'F' {
        t[c as usize] = 2;
        c += 1;
    }
    t
};

/// The 4-bit value of a packable character (`-` 10 and `.` 11 for nibbles, A-F 10-15 for hex).
const PACK_VALUE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] = c - b'0';
        c += 1;
    }
    t[b'-' as usize] = 10;
    t[b'.' as usize] = 11;
    let mut c = b'A';
    while c <= b'F' {
        t[c as usize] = c - b'A' + 10;
        c += 1;
    }
    t
};

/// NIBBLE_8 or HEX_8 if `s` can be packed (nibbles win when both fit: digits only).
#[inline]
fn packed_tag(s: &[u8]) -> Option<u8> {
    if s.is_empty() || s.len() > PACKED_MAX {
        return None;
    }
    let mut class = 3u8;
    for &b in s {
        class &= PACK_CLASS[b as usize];
    }
    match class {
        0 => None,
        c if c & 1 != 0 => Some(tag::NIBBLE_8),
        _ => Some(tag::HEX_8),
    }
}

/// How a JID goes on the wire (whatsmeow encoder.go `writeJID`).
enum JidForm {
    Ad { domain: u8 },
    Fb,
    Interop,
    Pair,
}

/// Domain bytes that name a server in AD_JID; any other byte is a raw agent on s.whatsapp.net.
const RESERVED_DOMAINS: [u8; 3] = [1, 128, 129];

fn jid_form(jid: &Jid) -> JidForm {
    match jid.server {
        // A raw agent goes where the decoder finds it (whatsmeow NewADJID); agents that collide
        // with a domain byte cannot be written and are dropped, as whatsmeow drops all of them.
        Server::Pn if jid.agent != 0 && !RESERVED_DOMAINS.contains(&jid.agent) => {
            JidForm::Ad { domain: jid.agent }
        }
        Server::Pn | Server::Lid if jid.device > 0 => JidForm::Ad { domain: jid.actual_agent() },
        Server::Hosted | Server::HostedLid => JidForm::Ad { domain: jid.actual_agent() },
        Server::Messenger => JidForm::Fb,
        Server::Interop => JidForm::Interop,
        _ => JidForm::Pair,
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    dict: &'static Dictionary,
}

impl Writer<'_> {
    fn node(&mut self, node: &Node) -> Result<(), EncodeError> {
        if node.tag.is_empty() {
            return Err(EncodeError::EmptyTag);
        }
        let attr_count = node.attrs.iter().filter(|(_, v)| !v.is_empty()).count();
        let has_content = !matches!(node.content, Content::None);
        let size = 2 * attr_count + 1 + usize::from(has_content);
        if size > u16::MAX as usize {
            return Err(EncodeError::TooManyAttrs { tag: node.tag.to_string(), count: attr_count });
        }
        self.list_start(size);
        self.string(&node.tag)?;
        for (key, value) in &node.attrs {
            match value {
                // Empty values are skipped, as whatsmeow does (Baileys versions disagree on
                // how to write them).
                AttrValue::Str(s) if s.is_empty() => {}
                AttrValue::Str(s) => {
                    self.string(key)?;
                    self.text(s)?;
                }
                AttrValue::Jid(jid) => {
                    self.string(key)?;
                    self.jid(jid)?;
                }
            }
        }
        match &node.content {
            Content::None => Ok(()),
            Content::Nodes(children) => {
                if children.len() > u16::MAX as usize {
                    return Err(EncodeError::TooManyChildren {
                        tag: node.tag.to_string(),
                        count: children.len(),
                    });
                }
                self.list_start(children.len());
                children.iter().try_for_each(|child| self.node(child))
            }
            Content::Bytes(bytes) => self.raw(bytes),
            Content::Text(text) => self.text(text),
        }
    }

    #[inline]
    fn list_start(&mut self, size: usize) {
        if size == 0 {
            self.out.push(tag::LIST_EMPTY);
        } else if size < 256 {
            self.out.extend_from_slice(&[tag::LIST_8, size as u8]);
        } else {
            let [hi, lo] = (size as u16).to_be_bytes();
            self.out.extend_from_slice(&[tag::LIST_16, hi, lo]);
        }
    }

    /// A tag, key or JID part: token, packed or raw.
    #[inline]
    fn string(&mut self, s: &str) -> Result<(), EncodeError> {
        if !self.token_or_packed(s) {
            self.raw(s.as_bytes())?;
        }
        Ok(())
    }

    /// An attribute value or text content: like [`Writer::string`], but text that parses as a
    /// JID is written as one (Baileys does so for any text with '@'; the peer reads back the
    /// same text either way).
    fn text(&mut self, s: &str) -> Result<(), EncodeError> {
        if self.token_or_packed(s) {
            return Ok(());
        }
        if s.as_bytes().contains(&b'@') {
            if let Ok(jid) = s.parse::<Jid>() {
                let fits = !matches!(jid_form(&jid), JidForm::Ad { .. }) || jid.device <= 255;
                if fits {
                    return self.jid(&jid);
                }
            }
        }
        self.raw(s.as_bytes())
    }

    #[inline]
    fn token_or_packed(&mut self, s: &str) -> bool {
        match self.dict.lookup(s) {
            Some(Token::Single(b)) => self.out.push(b),
            Some(Token::Double { dict, index }) => {
                self.out.extend_from_slice(&[tag::DICTIONARY_0 + dict, index])
            }
            None => match packed_tag(s.as_bytes()) {
                Some(kind) => self.packed(s.as_bytes(), kind),
                None => return false,
            },
        }
        true
    }

    fn packed(&mut self, s: &[u8], kind: u8) {
        // Built on the stack and appended at once (s.len() <= PACKED_MAX).
        let mut buf = [0u8; 2 + PACKED_MAX.div_ceil(2)];
        buf[0] = kind;
        buf[1] = s.len().div_ceil(2) as u8 | if s.len() % 2 == 1 { 0x80 } else { 0 };
        let mut len = 2;
        let mut pairs = s.chunks_exact(2);
        for pair in &mut pairs {
            buf[len] = PACK_VALUE[pair[0] as usize] << 4 | PACK_VALUE[pair[1] as usize];
            len += 1;
        }
        if let [last] = pairs.remainder() {
            // The odd character is followed by the filler nibble 0xF.
            buf[len] = PACK_VALUE[*last as usize] << 4 | 0x0F;
            len += 1;
        }
        self.out.extend_from_slice(&buf[..len]);
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let len = bytes.len();
        if len < 256 {
            self.out.extend_from_slice(&[tag::BINARY_8, len as u8]);
        } else if len < 1 << 20 {
            let [_, a, b, c] = (len as u32).to_be_bytes();
            self.out.extend_from_slice(&[tag::BINARY_20, a, b, c]);
        } else {
            let len = u32::try_from(len).map_err(|_| EncodeError::TooLong { len })?;
            self.out.push(tag::BINARY_32);
            self.out.extend_from_slice(&len.to_be_bytes());
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    fn jid(&mut self, jid: &Jid) -> Result<(), EncodeError> {
        match jid_form(jid) {
            JidForm::Ad { domain } => {
                let device = u8::try_from(jid.device).map_err(|_| {
                    EncodeError::DeviceOutOfRange { jid: jid.to_string(), device: jid.device }
                })?;
                self.out.extend_from_slice(&[tag::AD_JID, domain, device]);
                self.jid_user(&jid.user)
            }
            JidForm::Fb => {
                self.out.push(tag::FB_JID);
                self.jid_user(&jid.user)?;
                self.out.extend_from_slice(&jid.device.to_be_bytes());
                self.string(jid.server.as_str())
            }
            JidForm::Interop => {
                self.out.push(tag::INTEROP_JID);
                self.jid_user(&jid.user)?;
                self.out.extend_from_slice(&jid.device.to_be_bytes());
                self.out.extend_from_slice(&jid.integrator.to_be_bytes());
                self.string(jid.server.as_str())
            }
            JidForm::Pair => {
                self.out.push(tag::JID_PAIR);
                self.jid_user(&jid.user)?;
                self.string(jid.server.as_str())
            }
        }
    }

    /// A JID's user; none is LIST_EMPTY (`@s.whatsapp.net` = `fa 00 03`).
    #[inline]
    fn jid_user(&mut self, user: &str) -> Result<(), EncodeError> {
        if user.is_empty() {
            self.out.push(tag::LIST_EMPTY);
            Ok(())
        } else {
            self.string(user)
        }
    }
}
