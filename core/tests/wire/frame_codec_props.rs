//! Property tests of the frame codec: frames survive any split into websocket messages, random
//! bytes never panic the decoder, and an oversized length is an error before any allocation.
use proptest::prelude::*;
use wazap::socket::{ConnectionHeader, FrameDecoder, FrameEncoder, FrameError};

/// Cuts `wire` at the given (sorted, deduplicated) points.
fn split_at_points(wire: &[u8], cuts: &[prop::sample::Index]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|i| i.index(wire.len() + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut start = 0;
    for p in points.into_iter().chain([wire.len()]) {
        out.push(wire[start..p].to_vec());
        start = p;
    }
    out
}

fn decode_all(dec: &mut FrameDecoder, messages: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, FrameError> {
    let mut frames = Vec::new();
    for m in messages {
        dec.push(m);
        while let Some(f) = dec.next_frame()? {
            frames.push(f);
        }
    }
    Ok(frames)
}

proptest! {
    #[test]
    fn frames_split_anywhere_reassemble(
        frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..20),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        dict_version in any::<u8>(),
        routing in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
    ) {
        let header = ConnectionHeader { dict_version, routing_info: routing };
        let mut client = FrameEncoder::with_header(&header, 1000).unwrap();
        let mut plain = FrameEncoder::new(1000);
        let mut with_header = Vec::new();
        let mut without = Vec::new();
        for f in &frames {
            with_header.extend(client.encode(f).unwrap());
            without.extend(plain.encode(f).unwrap());
        }

        let mut server_dec = FrameDecoder::expecting_header(1000);
        let got = decode_all(&mut server_dec, &split_at_points(&with_header, &cuts)).unwrap();
        prop_assert_eq!(&got, &frames);
        prop_assert_eq!(server_dec.buffered(), 0);
        if !frames.is_empty() {
            prop_assert_eq!(server_dec.header(), Some(&header));
        }

        let mut client_dec = FrameDecoder::new(1000);
        let got = decode_all(&mut client_dec, &split_at_points(&without, &cuts)).unwrap();
        prop_assert_eq!(got, frames);
    }

    #[test]
    fn random_bytes_never_panic(
        messages in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..16),
        max in 0usize..2000,
        server in any::<bool>(),
    ) {
        let mut dec = if server { FrameDecoder::expecting_header(max) } else { FrameDecoder::new(max) };
        let mut first_error = None;
        for m in &messages {
            dec.push(m);
            loop {
                match dec.next_frame() {
                    Ok(Some(f)) => prop_assert!(f.len() <= max),
                    Ok(None) => break,
                    Err(e) => {
                        // Errors are sticky: the same error comes back every time.
                        prop_assert_eq!(first_error.get_or_insert(e.clone()), &e);
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn oversized_length_is_refused(max in 0usize..0xFF_FFFF, extra in 1usize..1000) {
        let len = (max + extra).min(0xFF_FFFF);
        prop_assume!(len > max);
        let mut dec = FrameDecoder::new(max);
        dec.push(&[(len >> 16) as u8, (len >> 8) as u8, len as u8]);
        prop_assert_eq!(dec.next_frame(), Err(FrameError::TooLarge { len, max }));
        prop_assert_eq!(FrameEncoder::new(max).encode(&vec![0; len]), Err(FrameError::TooLarge { len, max }));
    }
}
