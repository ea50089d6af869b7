//! Fuzzes the Noise handshake messages from both sides: the decoders of the three handshake
//! messages, a client reading an arbitrary server hello (and the certificate chain inside), and a
//! server reading an arbitrary client finish after a valid hello. No input may panic.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use wazap::crypto::KeyPair;
use wazap::socket::cert::verify_cert_chain;
use wazap::socket::noise::{
    decode_client_hello, ClientFinish, ClientHandshake, ServerHandshake, ServerHello,
};

const PROLOGUE: &[u8] = b"WA\x06\x03";

struct Keys {
    client_ephemeral: KeyPair,
    server_ephemeral: KeyPair,
    server_static: KeyPair,
    root: KeyPair,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let mut rng = StdRng::seed_from_u64(3);
    Keys {
        client_ephemeral: KeyPair::generate(&mut rng),
        server_ephemeral: KeyPair::generate(&mut rng),
        server_static: KeyPair::generate(&mut rng),
        root: KeyPair::generate(&mut rng),
    }
});

fuzz_target!(|data: &[u8]| {
    let k = &*KEYS;
    let _ = decode_client_hello(data);
    if let Ok(hello) = ServerHello::decode(data) {
        let client = ClientHandshake::new(PROLOGUE, k.client_ephemeral.clone());
        if let Ok((_, identity)) = client.read_server_hello(&hello) {
            let _ = verify_cert_chain(&identity.payload, &k.root.public, &identity.static_key, 0);
        }
    }
    let _ = verify_cert_chain(data, &k.root.public, &k.server_static.public, 1_700_000_000);
    if let Ok(finish) = ClientFinish::decode(data) {
        let server =
            ServerHandshake::read_client_hello(PROLOGUE, k.client_ephemeral.public.as_bytes())
                .expect("a valid client hello");
        let (awaiting, _) = server
            .write_server_hello(k.server_ephemeral.clone(), &k.server_static, b"chain")
            .expect("a server hello");
        let _ = awaiting.read_client_finish(&finish);
    }
});
