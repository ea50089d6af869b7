//! Fuzzes the frame decoder (client and server side): arbitrary bytes cut into arbitrary
//! websocket messages must never panic, frames never exceed the bound, and errors are sticky.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wazap::socket::FrameDecoder;

fuzz_target!(|data: &[u8]| {
    // First byte: which decoder and the frame bound; then chunk lengths interleaved with data.
    let Some((&mode, mut rest)) = data.split_first() else { return };
    let max = usize::from(mode & 0x7f) * 64;
    let mut dec =
        if mode & 0x80 != 0 { FrameDecoder::expecting_header(max) } else { FrameDecoder::new(max) };
    let mut failed = None;
    while let Some((&chunk, tail)) = rest.split_first() {
        let n = usize::from(chunk).min(tail.len());
        dec.push(&tail[..n]);
        rest = &tail[n..];
        loop {
            match dec.next_frame() {
                Ok(Some(frame)) => assert!(frame.len() <= max),
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(failed.get_or_insert(e.clone()), &e);
                    break;
                }
            }
        }
    }
});
