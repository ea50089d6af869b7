//! The frame codec under the Noise layer: a client announces itself once with the connection
//! header (`"WA" 06 <dict version>`, optionally preceded by an edge-routing prefix), then every
//! frame is a 3-byte big-endian length followed by that many bytes. Websocket message boundaries
//! carry no meaning: a frame may span messages and a message may hold several frames.
//!
//! Wire facts from WhiskeySockets/Baileys `src/Utils/noise-handler.ts` (`encodeFrame`,
//! `decodeFrame`) and tulir/whatsmeow `socket/framesocket.go`.
use super::error::FrameError;

/// The magic byte after `"WA"` in the connection header.
pub const WA_MAGIC: u8 = 6;
/// The binary-node dictionary version current WhatsApp Web announces.
pub const DICT_VERSION: u8 = 3;
/// The default bound on one frame's length.
pub const MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;
/// The largest length the 3-byte length field can express.
pub const MAX_WIRE_LENGTH: usize = 0xFF_FFFF;
/// `"ED"` followed by version `00 01`: the optional edge-routing prefix (Baileys sends it when it
/// has stored `routingInfo`).
const ROUTING_MAGIC: [u8; 4] = [b'E', b'D', 0, 1];

/// What a client writes before its first frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionHeader {
    /// The token dictionary version the binary nodes use (3 today; Baileys 6 sends 2).
    pub dict_version: u8,
    /// Edge routing info the server handed out earlier; sent as `ED 00 01 <len:3> <info>`.
    pub routing_info: Option<Vec<u8>>,
}

impl Default for ConnectionHeader {
    fn default() -> Self {
        Self::new(DICT_VERSION)
    }
}

impl ConnectionHeader {
    pub fn new(dict_version: u8) -> Self {
        Self { dict_version, routing_info: None }
    }

    /// `"WA" 06 <dict version>`; this is also the Noise prologue (the routing prefix is not).
    pub fn wa_header(&self) -> [u8; 4] {
        [b'W', b'A', WA_MAGIC, self.dict_version]
    }

    /// The bytes written before the first frame.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        let mut out = Vec::with_capacity(4 + 7 + self.routing_info.as_ref().map_or(0, Vec::len));
        if let Some(info) = &self.routing_info {
            if info.len() > MAX_WIRE_LENGTH {
                return Err(FrameError::RoutingInfoTooLarge {
                    len: info.len(),
                    max: MAX_WIRE_LENGTH,
                });
            }
            out.extend_from_slice(&ROUTING_MAGIC);
            out.extend_from_slice(&length_bytes(info.len()));
            out.extend_from_slice(info);
        }
        out.extend_from_slice(&self.wa_header());
        Ok(out)
    }
}

fn length_bytes(len: usize) -> [u8; 3] {
    [(len >> 16) as u8, (len >> 8) as u8, len as u8]
}

fn read_length(b: &[u8]) -> usize {
    (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2])
}

/// Writes frames; the connection header, if any, goes before the first one only.
#[derive(Debug, Clone)]
pub struct FrameEncoder {
    pending_header: Option<Vec<u8>>,
    max_frame_size: usize,
}

impl FrameEncoder {
    /// An encoder that writes no header (a server, or a client past its first frame).
    pub fn new(max_frame_size: usize) -> Self {
        Self { pending_header: None, max_frame_size: max_frame_size.min(MAX_WIRE_LENGTH) }
    }

    /// A client encoder: `header` is written before the first frame.
    pub fn with_header(
        header: &ConnectionHeader,
        max_frame_size: usize,
    ) -> Result<Self, FrameError> {
        let mut enc = Self::new(max_frame_size);
        enc.pending_header = Some(header.encode()?);
        Ok(enc)
    }

    /// The wire bytes for one frame (header included the first time).
    pub fn encode(&mut self, payload: &[u8]) -> Result<Vec<u8>, FrameError> {
        if payload.len() > self.max_frame_size {
            return Err(FrameError::TooLarge { len: payload.len(), max: self.max_frame_size });
        }
        let header = self.pending_header.take().unwrap_or_default();
        let mut out = Vec::with_capacity(header.len() + 3 + payload.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&length_bytes(payload.len()));
        out.extend_from_slice(payload);
        Ok(out)
    }
}

/// Where a header-expecting (server-side) decoder is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HeaderState {
    /// Client side: frames start at once.
    None,
    /// Server side: the connection header has not been read yet.
    Expected,
    /// Server side: the header was read.
    Read(ConnectionHeader),
}

/// Reassembles frames from websocket messages. Push each message's bytes with
/// [`push`](Self::push), then take complete frames with [`next_frame`](Self::next_frame) until it
/// returns `None`. A length above the limit is an error before anything is allocated for it;
/// after an error the decoder keeps returning it.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    pos: usize,
    max_frame_size: usize,
    header: HeaderState,
    failed: Option<FrameError>,
}

impl FrameDecoder {
    /// A client-side decoder: the server sends no header.
    pub fn new(max_frame_size: usize) -> Self {
        Self { buf: Vec::new(), pos: 0, max_frame_size, header: HeaderState::None, failed: None }
    }

    /// A server-side decoder: the stream starts with the client's connection header, which is
    /// checked and stripped (see [`header`](Self::header)).
    pub fn expecting_header(max_frame_size: usize) -> Self {
        Self { header: HeaderState::Expected, ..Self::new(max_frame_size) }
    }

    /// The client's connection header, once a server-side decoder has read it.
    pub fn header(&self) -> Option<&ConnectionHeader> {
        match &self.header {
            HeaderState::Read(h) => Some(h),
            _ => None,
        }
    }

    /// Bytes received but not yet returned as frames.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Appends the bytes of one websocket message.
    pub fn push(&mut self, data: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        // Reclaim consumed space before growing, so a long stream keeps a bounded buffer.
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// The next complete frame's payload, `Ok(None)` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.try_next() {
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
            ok => ok,
        }
    }

    fn try_next(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if self.header == HeaderState::Expected && !self.read_header()? {
            return Ok(None);
        }
        let rest = &self.buf[self.pos..];
        if rest.len() < 3 {
            return Ok(None);
        }
        let len = read_length(rest);
        if len > self.max_frame_size {
            return Err(FrameError::TooLarge { len, max: self.max_frame_size });
        }
        if rest.len() < 3 + len {
            return Ok(None);
        }
        let frame = rest[3..3 + len].to_vec();
        self.pos += 3 + len;
        Ok(Some(frame))
    }

    /// Parses `[ED 00 01 <len:3> <routing>] WA 06 <v>`; `Ok(false)` if more bytes are needed.
    fn read_header(&mut self) -> Result<bool, FrameError> {
        let rest = &self.buf[self.pos..];
        if rest.len() < 2 {
            return Ok(false);
        }
        let mut at = 0;
        let mut routing_info = None;
        if rest[..2] == ROUTING_MAGIC[..2] {
            if rest.len() < 7 {
                return Ok(false);
            }
            if rest[2..4] != ROUTING_MAGIC[2..] {
                return Err(FrameError::UnsupportedRoutingVersion([rest[2], rest[3]]));
            }
            let len = read_length(&rest[4..7]);
            if len > self.max_frame_size {
                return Err(FrameError::RoutingInfoTooLarge { len, max: self.max_frame_size });
            }
            if rest.len() < 7 + len {
                return Ok(false);
            }
            routing_info = Some(rest[7..7 + len].to_vec());
            at = 7 + len;
        }
        let wa = &rest[at..];
        if wa.len() >= 2 && wa[..2] != *b"WA" {
            return Err(FrameError::MissingHeader([wa[0], wa[1]]));
        }
        if wa.len() < 4 {
            return Ok(false);
        }
        if wa[2] != WA_MAGIC {
            return Err(FrameError::UnsupportedMagic(wa[2]));
        }
        self.header = HeaderState::Read(ConnectionHeader { dict_version: wa[3], routing_info });
        self.pos += at + 4;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(dec: &mut FrameDecoder) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(f) = dec.next_frame().expect("valid stream") {
            out.push(f);
        }
        out
    }

    #[test]
    fn header_only_before_first_frame() {
        let mut enc = FrameEncoder::with_header(&ConnectionHeader::new(3), MAX_FRAME_SIZE).unwrap();
        assert_eq!(enc.encode(b"ab").unwrap(), [b'W', b'A', 6, 3, 0, 0, 2, b'a', b'b']);
        assert_eq!(enc.encode(b"c").unwrap(), [0, 0, 1, b'c']);
        assert_eq!(FrameEncoder::new(MAX_FRAME_SIZE).encode(b"").unwrap(), [0, 0, 0]);
    }

    #[test]
    fn routing_prefix_precedes_wa_header() {
        let header = ConnectionHeader { dict_version: 3, routing_info: Some(vec![9, 8, 7]) };
        assert_eq!(
            header.encode().unwrap(),
            [b'E', b'D', 0, 1, 0, 0, 3, 9, 8, 7, b'W', b'A', 6, 3]
        );
        assert_eq!(header.wa_header(), [b'W', b'A', 6, 3]);
    }

    #[test]
    fn splits_packed_frames_and_joins_split_ones() {
        let mut dec = FrameDecoder::new(MAX_FRAME_SIZE);
        dec.push(&[0, 0, 1, 0xaa, 0, 0, 2, 0xbb]);
        assert_eq!(drain(&mut dec), vec![vec![0xaa]]);
        assert_eq!(dec.buffered(), 4);
        dec.push(&[0xcc, 0, 0]);
        assert_eq!(drain(&mut dec), vec![vec![0xbb, 0xcc]]);
        dec.push(&[0]);
        assert_eq!(drain(&mut dec), vec![Vec::<u8>::new()]);
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn oversized_length_is_an_error_and_sticks() {
        let mut dec = FrameDecoder::new(10);
        dec.push(&[0, 0, 11]);
        let err = FrameError::TooLarge { len: 11, max: 10 };
        assert_eq!(dec.next_frame(), Err(err.clone()));
        dec.push(&[0, 0, 0]);
        assert_eq!(dec.next_frame(), Err(err));
        let mut enc = FrameEncoder::new(10);
        assert_eq!(enc.encode(&[0; 11]), Err(FrameError::TooLarge { len: 11, max: 10 }));
        assert!(FrameEncoder::new(usize::MAX).encode(&vec![0; MAX_WIRE_LENGTH + 1]).is_err());
    }

    #[test]
    fn server_decoder_strips_header_byte_by_byte() {
        let header = ConnectionHeader { dict_version: 2, routing_info: Some(vec![1, 2]) };
        let mut enc = FrameEncoder::with_header(&header, MAX_FRAME_SIZE).unwrap();
        let mut wire = enc.encode(b"hello").unwrap();
        wire.extend(enc.encode(b"x").unwrap());
        let mut dec = FrameDecoder::expecting_header(MAX_FRAME_SIZE);
        let mut frames = Vec::new();
        for b in wire {
            dec.push(&[b]);
            frames.extend(drain(&mut dec));
        }
        assert_eq!(frames, vec![b"hello".to_vec(), b"x".to_vec()]);
        assert_eq!(dec.header(), Some(&header));
    }

    #[test]
    fn server_decoder_rejects_bad_headers() {
        let cases: [(&[u8], FrameError); 4] = [
            (b"GET ", FrameError::MissingHeader(*b"GE")),
            (&[b'W', b'A', 5, 3], FrameError::UnsupportedMagic(5)),
            (&[b'E', b'D', 0, 2, 0, 0, 0], FrameError::UnsupportedRoutingVersion([0, 2])),
            (&[b'E', b'D', 0, 1, 0, 0, 0, b'X', b'A'], FrameError::MissingHeader(*b"XA")),
        ];
        for (wire, err) in cases {
            let mut dec = FrameDecoder::expecting_header(MAX_FRAME_SIZE);
            dec.push(wire);
            assert_eq!(dec.next_frame(), Err(err), "{wire:02x?}");
        }
        let mut dec = FrameDecoder::expecting_header(4);
        dec.push(&[b'E', b'D', 0, 1, 0, 0, 5]);
        assert_eq!(dec.next_frame(), Err(FrameError::RoutingInfoTooLarge { len: 5, max: 4 }));
    }
}
