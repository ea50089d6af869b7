//! Fuzzes what a decrypted message turns into: arbitrary `Message` protobufs (as they come out
//! of a Signal session) are unwrapped (device-sent, ephemeral, view-once, edits), classified, and
//! their media references read, as the receive path does; history sync blobs are decoded. No
//! input may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use wazap::media::MediaRef;
use wazap::message::{edit_attribute, media_type, message_type, unwrap_message};
use wazap::proto::{HistorySync, Message};
use wazap::signal::unpad_message;

fuzz_target!(|data: &[u8]| {
    for bytes in [data, unpad_message(data).unwrap_or_default()] {
        if let Ok(message) = Message::decode(bytes) {
            let _ = edit_attribute(&message);
            let (inner, _flags) = unwrap_message(message);
            let _ = message_type(&inner);
            let _ = media_type(&inner);
            let _ = MediaRef::from_message(&inner);
        }
    }
    let _ = HistorySync::decode(data);
});
