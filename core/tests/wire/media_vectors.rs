//! The media cipher against `media.json` (Baileys' encryptedStream), its failure modes, and the
//! streaming API's equivalence with the one-shot API on awkward readers and large inputs.
use crate::common;
use std::io::{self, Read, Write};
use std::sync::mpsc;

use common::{hex, hex32, load};
use sha2::{Digest, Sha256};
use wazap::crypto::media::{
    decrypt, decrypt_stream, encrypt, encrypt_stream, encrypted_len, Expected, MediaError,
    MediaKeys, MediaType, CHUNK_SIZE, MAC_LEN,
};
use wazap::crypto::{aes_cbc_encrypt, hmac_sha256_parts, sha256};

/// The vectors' plaintext: byte i = i % 251.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn expect_all(info: &wazap::crypto::media::EncryptedMedia) -> Expected {
    Expected { file_enc_sha256: Some(info.file_enc_sha256), file_sha256: Some(info.file_sha256) }
}

#[test]
fn every_vector_case_matches_baileys() {
    let v = load("media.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 56);
    let mut seen_types = std::collections::HashSet::new();
    let mut full_enc_cases = 0;
    for c in cases {
        let name = c["media_type"].as_str().unwrap();
        let ty = MediaType::from_name(name).unwrap_or_else(|| panic!("unknown type {name}"));
        seen_types.insert(ty);
        assert_eq!(ty.hkdf_info(), c["hkdf_info"].as_str().unwrap(), "{name}");

        let media_key = hex32(&c["media_key"]);
        let keys = MediaKeys::derive(&media_key, ty);
        assert_eq!(keys.iv.to_vec(), hex(&c["iv"]), "iv {name}");
        assert_eq!(keys.cipher_key, hex32(&c["cipher_key"]), "cipher_key {name}");
        assert_eq!(keys.mac_key, hex32(&c["mac_key"]), "mac_key {name}");
        assert_eq!(keys.ref_key, hex32(&c["ref_key"]), "ref_key {name}");

        let len = c["plaintext_len"].as_u64().unwrap() as usize;
        let plain = pattern(len);
        if let Some(h) = c.get("plaintext_hex") {
            assert_eq!(hex(h), plain, "plaintext pattern {name}/{len}");
        }

        let (enc, info) = encrypt(&plain, &media_key, ty);
        let case = format!("{name}/{len}");
        assert_eq!(enc.len() as u64, c["enc_len"].as_u64().unwrap(), "{case}");
        assert_eq!(enc.len() as u64, encrypted_len(len as u64), "{case}");
        match c.get("enc_hex") {
            Some(h) => {
                assert_eq!(enc, hex(h), "enc {case}");
                full_enc_cases += 1;
            }
            None => assert_eq!(sha256(&enc), hex32(&c["enc_sha256"]), "enc_sha256 {case}"),
        }
        assert_eq!(info.mac.to_vec(), hex(&c["mac"]), "mac {case}");
        assert_eq!(&enc[enc.len() - MAC_LEN..], &info.mac, "mac is appended {case}");
        assert_eq!(info.file_sha256, hex32(&c["file_sha256"]), "file_sha256 {case}");
        assert_eq!(info.file_enc_sha256, hex32(&c["file_enc_sha256"]), "file_enc_sha256 {case}");
        assert_eq!(info.file_length, len as u64);

        let expected = Expected {
            file_enc_sha256: Some(hex32(&c["file_enc_sha256"])),
            file_sha256: Some(hex32(&c["file_sha256"])),
        };
        assert_eq!(decrypt(&enc, &media_key, ty, expected).unwrap(), plain, "decrypt {case}");

        let mut out = Vec::new();
        let dinfo = decrypt_stream(&enc[..], &mut out, &media_key, ty, expected).unwrap();
        assert_eq!(out, plain, "decrypt_stream {case}");
        assert_eq!(dinfo.file_sha256, info.file_sha256);
        assert_eq!(dinfo.file_enc_sha256, info.file_enc_sha256);
        assert_eq!(dinfo.file_length, len as u64);
    }
    assert_eq!(seen_types.len(), 8, "all eight vector media types are covered");
    assert_eq!(full_enc_cases, 48);
}

#[test]
fn types_map_to_whatsmeow_upload_paths() {
    let expected = [
        (MediaType::Image, "image", "WhatsApp Image Keys"),
        (MediaType::Sticker, "image", "WhatsApp Image Keys"),
        (MediaType::Video, "video", "WhatsApp Video Keys"),
        (MediaType::Audio, "audio", "WhatsApp Audio Keys"),
        (MediaType::Document, "document", "WhatsApp Document Keys"),
        (MediaType::StickerPack, "sticker-pack", "WhatsApp Sticker Pack Keys"),
        (MediaType::History, "md-msg-hist", "WhatsApp History Keys"),
        (MediaType::AppState, "md-app-state", "WhatsApp App State Keys"),
        (MediaType::LinkThumbnail, "thumbnail-link", "WhatsApp Link Thumbnail Keys"),
    ];
    assert_eq!(expected.len(), MediaType::ALL.len());
    for (ty, mms, info) in expected {
        assert_eq!(ty.mms_type(), mms, "{ty:?}");
        assert_eq!(ty.hkdf_info(), info, "{ty:?}");
        assert_eq!(MediaType::from_name(ty.name()), Some(ty));
    }
    assert_eq!(MediaType::from_name("ppic"), None);
}

/// A 1000-byte vector case: (media key, type, enc, plaintext).
fn sample() -> ([u8; 32], MediaType, Vec<u8>, Vec<u8>) {
    let v = load("media.json");
    let c = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["media_type"] == "document" && c["plaintext_len"] == 1000)
        .expect("document/1000 case");
    (hex32(&c["media_key"]), MediaType::Document, hex(&c["enc_hex"]), pattern(1000))
}

#[test]
fn tampered_ciphertext_is_caught_by_the_mac_or_the_enc_hash() {
    let (key, ty, enc, plain) = sample();
    let mut bad = enc.clone();
    bad[500] ^= 0x01;
    let none = Expected::default();
    assert!(matches!(decrypt(&bad, &key, ty, none), Err(MediaError::MacMismatch)));
    let with_enc = Expected { file_enc_sha256: Some(sha256(&enc)), file_sha256: None };
    assert!(matches!(decrypt(&bad, &key, ty, with_enc), Err(MediaError::EncHashMismatch)));
    // The untampered input passes the same checks.
    assert_eq!(decrypt(&enc, &key, ty, with_enc).unwrap(), plain);
}

#[test]
fn tampered_mac_is_rejected() {
    let (key, ty, enc, _) = sample();
    let mut bad = enc.clone();
    *bad.last_mut().unwrap() ^= 0x80;
    let r = decrypt(&bad, &key, ty, Expected::default());
    assert!(matches!(r, Err(MediaError::MacMismatch)), "{r:?}");
}

#[test]
fn wrong_plaintext_hash_is_rejected() {
    let (key, ty, enc, plain) = sample();
    let mut wrong = sha256(&plain);
    wrong[0] ^= 1;
    let expected = Expected { file_enc_sha256: Some(sha256(&enc)), file_sha256: Some(wrong) };
    let r = decrypt(&enc, &key, ty, expected);
    assert!(matches!(r, Err(MediaError::PlainHashMismatch)), "{r:?}");
}

#[test]
fn wrong_key_or_type_fails_the_mac() {
    let (key, ty, enc, _) = sample();
    let mut other = key;
    other[0] ^= 1;
    assert!(matches!(decrypt(&enc, &other, ty, Expected::default()), Err(MediaError::MacMismatch)));
    let r = decrypt(&enc, &key, MediaType::Image, Expected::default());
    assert!(matches!(r, Err(MediaError::MacMismatch)));
}

#[test]
fn truncated_input_is_an_error_not_a_panic() {
    let (key, ty, enc, _) = sample();
    for cut in 0..enc.len() {
        let r = decrypt(&enc[..cut], &key, ty, Expected::default());
        let whole_blocks = cut >= 16 + MAC_LEN && (cut - MAC_LEN) % 16 == 0;
        match r {
            Err(MediaError::InvalidLength { len }) => {
                assert!(!whole_blocks, "cut {cut}");
                assert_eq!(len, cut as u64);
            }
            Err(MediaError::MacMismatch) => assert!(whole_blocks, "cut {cut}"),
            other => panic!("cut {cut}: unexpected {other:?}"),
        }
    }
}

#[test]
fn valid_mac_over_bad_padding_is_bad_padding() {
    let (key, ty, _, _) = sample();
    let keys = MediaKeys::derive(&key, ty);
    // Two blocks ending in a zero byte, encrypted without their padding block: authentic
    // ciphertext whose last plaintext byte is not valid PKCS7.
    let plain = [0u8; 32];
    let padded = aes_cbc_encrypt(&keys.cipher_key, &keys.iv, &plain).unwrap();
    let ct = &padded[..32];
    let mac = hmac_sha256_parts(&keys.mac_key, &[&keys.iv, ct]);
    let mut enc = ct.to_vec();
    enc.extend_from_slice(&mac[..MAC_LEN]);
    let r = decrypt(&enc, &key, ty, Expected::default());
    assert!(matches!(r, Err(MediaError::BadPadding)), "{r:?}");
}

/// Yields at most 1, 7, 4097, 1, 7, … bytes per read.
struct OddReader<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for OddReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = [1, 7, 4097][self.step % 3];
        self.step += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn odd_read_sizes_give_the_one_shot_result() {
    let key = [0x42; 32];
    // Several chunks plus a ragged tail, so the hashing worker runs and the tail is partial.
    for len in [0, 1, 4097, CHUNK_SIZE, CHUNK_SIZE + 5, 2 * CHUNK_SIZE + 4096 + 3] {
        let plain = pattern(len);
        let (enc, info) = encrypt(&plain, &key, MediaType::Video);
        let mut streamed = Vec::new();
        let sinfo = encrypt_stream(
            OddReader { data: &plain, step: 0 },
            &mut streamed,
            &key,
            MediaType::Video,
        )
        .unwrap();
        assert_eq!(streamed, enc, "len {len}");
        assert_eq!(sinfo, info, "len {len}");
        assert_eq!(info.file_sha256, sha256(&plain));
        assert_eq!(info.file_enc_sha256, sha256(&enc));

        let mut out = Vec::new();
        let dinfo = decrypt_stream(
            OddReader { data: &enc, step: 0 },
            &mut out,
            &key,
            MediaType::Video,
            expect_all(&info),
        )
        .unwrap();
        assert_eq!(out, plain, "len {len}");
        assert_eq!(dinfo.file_length, len as u64);
    }
}

#[test]
fn a_failed_multi_chunk_stream_never_writes_the_whole_plaintext() {
    let key = [7; 32];
    let plain = pattern(3 * CHUNK_SIZE + 100);
    let (mut enc, info) = encrypt(&plain, &key, MediaType::Audio);
    *enc.last_mut().unwrap() ^= 1;
    let mut out = Vec::new();
    let r = decrypt_stream(&enc[..], &mut out, &key, MediaType::Audio, Expected::default());
    assert!(matches!(r, Err(MediaError::MacMismatch)), "{r:?}");
    assert!(out.len() < plain.len(), "the final block is withheld on failure");
    assert_eq!(out[..], plain[..out.len()]);
    let mut wrong = info.file_sha256;
    wrong[31] ^= 1;
    *enc.last_mut().unwrap() ^= 1; // restore the MAC
    let mut out = Vec::new();
    let expected = Expected { file_enc_sha256: None, file_sha256: Some(wrong) };
    let r = decrypt_stream(&enc[..], &mut out, &key, MediaType::Audio, expected);
    assert!(matches!(r, Err(MediaError::PlainHashMismatch)), "{r:?}");
    assert!(out.len() < plain.len());
}

/// An endless-looking source of the vector pattern, generated on the fly.
struct PatternReader {
    remaining: u64,
    next: u8,
}

impl Read for PatternReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.remaining as usize);
        for b in &mut buf[..n] {
            *b = self.next;
            self.next = if self.next == 250 { 0 } else { self.next + 1 };
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Forwards written bytes through a bounded channel: a pipe between two threads.
struct ChanWriter(mpsc::SyncSender<Vec<u8>>);

impl Write for ChanWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf.to_vec()).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct ChanReader {
    rx: mpsc::Receiver<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
}

impl Read for ChanReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(v) => (self.cur, self.pos) = (v, 0),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Hashes and counts what is written, keeping nothing.
#[derive(Default)]
struct HashWriter {
    hash: Sha256,
    len: u64,
    largest_write: usize,
}

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hash.update(buf);
        self.len += buf.len() as u64;
        self.largest_write = self.largest_write.max(buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn sixty_four_mib_streams_through_encrypt_and_decrypt() {
    const LEN: u64 = 64 << 20;
    let key = [0xa5; 32];
    let mut want_plain = Sha256::new();
    io::copy(
        &mut PatternReader { remaining: LEN, next: 0 },
        &mut HashWriterAdapter(&mut want_plain),
    )
    .unwrap();
    let want_plain: [u8; 32] = want_plain.finalize().into();

    let (tx, rx) = mpsc::sync_channel(4);
    let encryptor = std::thread::spawn(move || {
        let reader = PatternReader { remaining: LEN, next: 0 };
        encrypt_stream(reader, ChanWriter(tx), &key, MediaType::Document)
    });
    let mut sink = HashWriter::default();
    let reader = ChanReader { rx, cur: Vec::new(), pos: 0 };
    let dinfo =
        decrypt_stream(reader, &mut sink, &key, MediaType::Document, Expected::default()).unwrap();
    let einfo = encryptor.join().unwrap().unwrap();

    assert_eq!(einfo.file_length, LEN);
    assert_eq!(einfo.file_sha256, want_plain);
    assert_eq!(dinfo.file_sha256, want_plain);
    assert_eq!(dinfo.file_enc_sha256, einfo.file_enc_sha256);
    assert_eq!(dinfo.file_length, LEN);
    assert_eq!(sink.len, LEN);
    assert_eq!(<[u8; 32]>::from(sink.hash.finalize()), want_plain);
    assert!(sink.largest_write <= CHUNK_SIZE + 16, "output is produced chunk by chunk");
}

/// `io::copy` into a bare hasher.
struct HashWriterAdapter<'a>(&'a mut Sha256);

impl Write for HashWriterAdapter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Accepts `budget` bytes, then fails.
struct FailingWriter {
    budget: usize,
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.budget == 0 {
            return Err(io::Error::other("disk full"));
        }
        let n = buf.len().min(self.budget);
        self.budget -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Yields `good` bytes of the pattern, then fails.
struct FailingReader {
    good: PatternReader,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.good.read(buf)? {
            0 => Err(io::Error::other("connection reset")),
            n => Ok(n),
        }
    }
}

#[test]
fn io_failures_surface_as_errors_mid_stream() {
    let key = [9; 32];
    let plain = pattern(5 * CHUNK_SIZE);
    let (enc, _) = encrypt(&plain, &key, MediaType::Image);
    for budget in [0, 100, 3 * CHUNK_SIZE + 1] {
        let r = encrypt_stream(&plain[..], FailingWriter { budget }, &key, MediaType::Image);
        assert_eq!(r.unwrap_err().to_string(), "disk full", "budget {budget}");
        let r = decrypt_stream(
            &enc[..],
            FailingWriter { budget },
            &key,
            MediaType::Image,
            Expected::default(),
        );
        assert!(matches!(r, Err(MediaError::Io(ref e)) if e.to_string() == "disk full"), "{r:?}");
    }
    let good = PatternReader { remaining: 2 * CHUNK_SIZE as u64 + 7, next: 0 };
    let r = encrypt_stream(FailingReader { good }, io::sink(), &key, MediaType::Image);
    assert_eq!(r.unwrap_err().to_string(), "connection reset");
    let mut src = FailingReader { good: PatternReader { remaining: 0, next: 0 } };
    let mut reader = enc.chain(&mut src);
    let r = decrypt_stream(&mut reader, io::sink(), &key, MediaType::Image, Expected::default());
    assert!(matches!(r, Err(MediaError::Io(_))), "{r:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_plaintext_round_trips(
        plain in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000),
        key in proptest::prelude::any::<[u8; 32]>(),
        ty in proptest::sample::select(MediaType::ALL.to_vec()),
    ) {
        let (enc, info) = encrypt(&plain, &key, ty);
        proptest::prop_assert_eq!(enc.len() as u64, encrypted_len(plain.len() as u64));
        proptest::prop_assert_eq!(info.file_sha256, sha256(&plain));
        proptest::prop_assert_eq!(info.file_enc_sha256, sha256(&enc));
        proptest::prop_assert_eq!(decrypt(&enc, &key, ty, expect_all(&info)).unwrap(), plain);
    }
}
