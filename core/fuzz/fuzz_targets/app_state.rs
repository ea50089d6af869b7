//! Fuzzes app state sync as a companion receives it: arbitrary `SyncdPatch` / `SyncdSnapshot`
//! bytes, or the valid patch of the known-answer vectors with the input as a bit mask, through
//! the decoders with the vectors' keys; and arbitrary nodes through the answer parser. No input
//! may panic; whatever decodes must have passed every MAC.
#![no_main]
use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use wazap::appstate::iq::{parse_answer, parse_server_sync};
use wazap::appstate::{decode_patch, decode_snapshot, Collection, HashState, MutationKeys};
use wazap::binary::decode;
use wazap::proto::{SyncdPatch, SyncdSnapshot};

struct Setup {
    keys: HashMap<Vec<u8>, MutationKeys>,
    patch: Vec<u8>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The first key and the first patch (at version 0) of `tests/vectors/app_state.json`.
static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/app_state.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keys = v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let data = hex(k["key_data"].as_str().unwrap());
            (hex(k["key_id"].as_str().unwrap()), MutationKeys::expand(&data))
        })
        .collect();
    Setup { keys, patch: hex(v["patches"][0]["patch"].as_str().unwrap()) }
});

fuzz_target!(|data: &[u8]| {
    let s = &*SETUP;
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes: Vec<u8> = if mode & 0x80 != 0 {
        rest.to_vec()
    } else {
        let mut b = s.patch.clone();
        for (x, m) in b.iter_mut().zip(rest) {
            *x ^= m;
        }
        b
    };
    let c = Collection::ALL[usize::from(mode) % 5];
    if let Ok(patch) = SyncdPatch::decode(bytes.as_slice()) {
        if let Ok(d) = decode_patch(c, &HashState::default(), &patch, &s.keys, &()) {
            assert_eq!(d.mutations.len(), patch.mutations.len());
        }
    }
    if let Ok(snapshot) = SyncdSnapshot::decode(bytes.as_slice()) {
        let _ = decode_snapshot(c, &snapshot, &s.keys);
    }
    if let Ok(node) = decode(&bytes) {
        let _ = parse_answer(&node);
        let _ = parse_server_sync(&node);
    }
});
