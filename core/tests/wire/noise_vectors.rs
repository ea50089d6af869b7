//! The Noise XX handshake and the transport against `noise.json`: with every key pinned, both
//! roles reproduce the recorded wire bytes, symmetric-state trace, transport keys and frames.
use crate::common;
use common::{hex, hex32, load};
use serde_json::Value;
use wazap::crypto::KeyPair;
use wazap::socket::noise::{
    ClientFinish, ClientHandshake, ServerHandshake, ServerHello, SymmetricState,
};
use wazap::socket::{ConnectionHeader, FrameDecoder, FrameEncoder, Transport, MAX_FRAME_SIZE};

fn transcripts() -> Vec<Value> {
    let v = load("noise.json");
    let t = v["transcripts"].as_array().expect("transcripts").clone();
    assert_eq!(t.len(), 2, "both transcripts (WA 06 02 and WA 06 03)");
    t
}

fn keypair(v: &Value) -> KeyPair {
    let kp = KeyPair::from_private(hex32(&v["private"]));
    assert_eq!(kp.public.0, hex32(&v["public"]), "pinned public key matches its private key");
    kp
}

fn frame<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["frames"].as_array().unwrap().iter().find(|f| f["name"] == name).expect(name)
}

fn server_hello(t: &Value) -> ServerHello {
    let f = frame(t, "server_hello");
    ServerHello {
        ephemeral: hex(&t["keys"]["server_ephemeral"]["public"]),
        static_ciphertext: hex(&f["static_ciphertext_hex"]),
        payload_ciphertext: hex(&f["payload_ciphertext_hex"]),
    }
}

fn client_finish(t: &Value) -> ClientFinish {
    let f = frame(t, "client_finish");
    ClientFinish {
        static_ciphertext: hex(&f["static_ciphertext_hex"]),
        payload_ciphertext: hex(&f["payload_ciphertext_hex"]),
    }
}

fn trace_step(t: &Value, i: usize) -> &Value {
    &t["symmetric_state_trace"][i]
}

/// Compares h, ck, k and n with trace entry `i`.
fn assert_state(t: &Value, i: usize, s: &SymmetricState) {
    let step = trace_step(t, i);
    let what = format!("{} step {i} ({})", t["name"], step["step"]);
    assert_eq!(s.handshake_hash().to_vec(), hex(&step["h"]), "h after {what}");
    assert_eq!(s.chaining_key().to_vec(), hex(&step["ck"]), "ck after {what}");
    match &step["k"] {
        Value::Null => assert!(s.cipher_key().is_none(), "no k after {what}"),
        k => assert_eq!(s.cipher_key().map(|k| k.to_vec()), Some(hex(k)), "k after {what}"),
    }
    assert_eq!(s.nonce(), step["n"].as_u64().unwrap(), "n after {what}");
}

/// Checks the transport keys and the first frames in both directions from one side's view.
fn check_transport(t: &Value, mut transport: Transport, client_side: bool) {
    let keys = &t["transport_keys"];
    let (write_key, read_key) = if client_side {
        (&keys["client_write_server_read"], &keys["server_write_client_read"])
    } else {
        (&keys["server_write_client_read"], &keys["client_write_server_read"])
    };
    assert_eq!(transport.write.key().to_vec(), hex(write_key));
    assert_eq!(transport.read.key().to_vec(), hex(read_key));
    assert_eq!(transport.handshake_hash.to_vec(), hex(&t["final_handshake_hash"]));

    let ours = if client_side { "client->server" } else { "server->client" };
    let mut encoder = FrameEncoder::new(MAX_FRAME_SIZE);
    let mut decoder = FrameDecoder::new(MAX_FRAME_SIZE);
    for f in t["transport_frames"].as_array().unwrap() {
        let wire = hex(&f["frame_hex"]);
        let plain = hex(&f["plaintext_hex"]);
        if f["direction"] == ours {
            assert_eq!(transport.write.counter(), f["counter"].as_u64().unwrap());
            let ct = transport.write.encrypt(&plain).unwrap();
            assert_eq!(encoder.encode(&ct).unwrap(), wire, "{ours} frame {}", f["counter"]);
        } else {
            assert_eq!(transport.read.counter(), f["counter"].as_u64().unwrap());
            decoder.push(&wire);
            let ct = decoder.next_frame().unwrap().expect("a whole frame");
            assert_eq!(transport.read.decrypt(&ct).unwrap(), plain, "frame {}", f["counter"]);
        }
    }
}

/// The client hello on the wire: the WA header (the Noise prologue) and one frame.
fn client_hello_wire(t: &Value) -> (ConnectionHeader, Vec<u8>) {
    let mut dec = FrameDecoder::expecting_header(MAX_FRAME_SIZE);
    dec.push(&hex(&frame(t, "client_hello")["wire_hex"]));
    let msg = dec.next_frame().unwrap().expect("client hello frame");
    assert_eq!(dec.buffered(), 0);
    (dec.header().cloned().expect("header read"), msg)
}

#[test]
fn wire_header_is_the_prologue() {
    for t in transcripts() {
        let (header, msg) = client_hello_wire(&t);
        assert_eq!(header.wa_header().to_vec(), hex(&t["prologue_hex"]));
        assert_eq!(u64::from(header.dict_version), t["dict_version"].as_u64().unwrap());
        assert_eq!(header.routing_info, None);
        assert_eq!(msg, hex(&frame(&t, "client_hello")["handshake_message_hex"]));
    }
}

#[test]
fn symmetric_state_reproduces_every_trace_step() {
    for t in transcripts() {
        let ce = keypair(&t["keys"]["client_ephemeral"]);
        let cs = keypair(&t["keys"]["client_static_noise_key"]);
        let se = keypair(&t["keys"]["server_ephemeral"]);
        let ss = keypair(&t["keys"]["server_static"]);
        let cert = hex(&t["cert_chain"]["hex"]);
        let payload = hex(&t["client_payload"]["hex"]);

        let mut s = SymmetricState::new();
        assert_state(&t, 0, &s);
        s.mix_hash(&hex(&t["prologue_hex"]));
        assert_state(&t, 1, &s);
        s.mix_hash(ce.public.as_bytes());
        assert_state(&t, 2, &s);
        s.mix_hash(se.public.as_bytes());
        assert_state(&t, 3, &s);
        s.mix_key(&se.agree(&ce.public));
        assert_state(&t, 4, &s);
        let static_ct = s.encrypt_and_hash(ss.public.as_bytes()).unwrap();
        assert_eq!(static_ct, server_hello(&t).static_ciphertext);
        assert_state(&t, 5, &s);
        s.mix_key(&ss.agree(&ce.public));
        assert_state(&t, 6, &s);
        let cert_ct = s.encrypt_and_hash(&cert).unwrap();
        assert_eq!(cert_ct, server_hello(&t).payload_ciphertext);
        assert_state(&t, 7, &s);
        let finish = client_finish(&t);
        let client_static = s.decrypt_and_hash(&finish.static_ciphertext, "static").unwrap();
        assert_eq!(client_static, cs.public.as_bytes());
        assert_state(&t, 8, &s);
        s.mix_key(&se.agree(&cs.public));
        assert_state(&t, 9, &s);
        assert_eq!(s.decrypt_and_hash(&finish.payload_ciphertext, "payload").unwrap(), payload);
        assert_state(&t, 10, &s);
        let (c2s, s2c) = s.split();
        assert_eq!(c2s.key().to_vec(), hex(&t["transport_keys"]["client_write_server_read"]));
        assert_eq!(s2c.key().to_vec(), hex(&t["transport_keys"]["server_write_client_read"]));
    }
}

#[test]
fn client_role_reproduces_transcripts() {
    for t in transcripts() {
        let ce = keypair(&t["keys"]["client_ephemeral"]);
        let cs = keypair(&t["keys"]["client_static_noise_key"]);
        let hs = ClientHandshake::new(&hex(&t["prologue_hex"]), ce.clone());
        assert_eq!(hs.ephemeral_public(), ce.public);
        assert_state(&t, 2, hs.symmetric_state());

        let (hs, server) = hs.read_server_hello(&server_hello(&t)).unwrap();
        assert_eq!(server.static_key.0, hex32(&t["keys"]["server_static"]["public"]));
        assert_eq!(server.payload, hex(&frame(&t, "server_hello")["decrypted_payload_hex"]));
        assert_state(&t, 7, hs.symmetric_state());

        let (finish, transport) =
            hs.write_client_finish(&cs, &hex(&t["client_payload"]["hex"])).unwrap();
        assert_eq!(finish, client_finish(&t));
        check_transport(&t, transport, true);
    }
}

#[test]
fn server_role_reproduces_transcripts() {
    for t in transcripts() {
        let ce = keypair(&t["keys"]["client_ephemeral"]);
        let cs = keypair(&t["keys"]["client_static_noise_key"]);
        let se = keypair(&t["keys"]["server_ephemeral"]);
        let ss = keypair(&t["keys"]["server_static"]);
        let hs = ServerHandshake::read_client_hello(&hex(&t["prologue_hex"]), ce.public.as_bytes())
            .unwrap();
        assert_state(&t, 2, hs.symmetric_state());

        let (hs, hello) = hs.write_server_hello(se, &ss, &hex(&t["cert_chain"]["hex"])).unwrap();
        assert_eq!(hello, server_hello(&t));
        assert_state(&t, 7, hs.symmetric_state());

        let (client, transport) = hs.read_client_finish(&client_finish(&t)).unwrap();
        assert_eq!(client.static_key, cs.public);
        assert_eq!(client.payload, hex(&t["client_payload"]["hex"]));
        check_transport(&t, transport, false);
    }
}

#[test]
fn tampered_handshake_messages_fail_to_decrypt() {
    let t = &transcripts()[1];
    let ce = keypair(&t["keys"]["client_ephemeral"]);
    let prologue = hex(&t["prologue_hex"]);
    for field in 0..3 {
        let mut hello = server_hello(t);
        match field {
            0 => hello.ephemeral[5] ^= 1,
            1 => hello.static_ciphertext[5] ^= 1,
            _ => hello.payload_ciphertext[5] ^= 1,
        }
        let err = ClientHandshake::new(&prologue, ce.clone()).read_server_hello(&hello).err();
        let expected = if field == 2 { "server certificate" } else { "server static key" };
        assert_eq!(err, Some(wazap::socket::NoiseError::Decrypt(expected)), "field {field}");
    }
    // A different prologue (dictionary version) changes h, so the AD check fails.
    let err = ClientHandshake::new(b"WA\x06\x02", ce).read_server_hello(&server_hello(t)).err();
    assert_eq!(err, Some(wazap::socket::NoiseError::Decrypt("server static key")));
}

// ---- The protobuf envelope and the async handshake over an in-memory message pipe. ----

use futures_util::{Sink, Stream};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use wazap::socket::noise::{decode_client_hello, encode_client_hello};
use wazap::socket::{
    client_handshake, server_handshake, verify_cert_chain, ClientHandshakeConfig,
    ServerHandshakeConfig, SocketError,
};

/// One end of an in-memory connection carrying whole websocket messages.
struct Pipe {
    rx: mpsc::UnboundedReceiver<Vec<u8>>,
    tx: mpsc::UnboundedSender<Vec<u8>>,
}

fn pipe() -> (Pipe, Pipe) {
    let (a_tx, a_rx) = mpsc::unbounded_channel();
    let (b_tx, b_rx) = mpsc::unbounded_channel();
    (Pipe { rx: a_rx, tx: b_tx }, Pipe { rx: b_rx, tx: a_tx })
}

impl Pipe {
    async fn recv(&mut self) -> Vec<u8> {
        tokio::time::timeout(Duration::from_secs(5), self.rx.recv())
            .await
            .expect("peer message in time")
            .expect("peer still connected")
    }

    fn send(&self, msg: Vec<u8>) {
        self.tx.send(msg).expect("peer still connected");
    }
}

impl Stream for Pipe {
    type Item = Result<Vec<u8>, SocketError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx).map(|m| m.map(Ok))
    }
}

impl Sink<Vec<u8>> for Pipe {
    type Error = SocketError;
    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Poll::Ready(Ok(()))
    }
    fn start_send(self: Pin<&mut Self>, item: Vec<u8>) -> Result<(), SocketError> {
        self.tx.send(item).map_err(|_| SocketError::Closed)
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Poll::Ready(Ok(()))
    }
}

/// A time inside the test certificates' validity (1700000000..2000000000).
const CERT_TIME: u64 = 1_800_000_000;

#[test]
fn handshake_messages_encode_as_recorded() {
    for t in transcripts() {
        let ce = keypair(&t["keys"]["client_ephemeral"]);
        let hello = hex(&frame(&t, "client_hello")["handshake_message_hex"]);
        assert_eq!(encode_client_hello(ce.public.as_bytes()), hello);
        assert_eq!(decode_client_hello(&hello).unwrap(), ce.public.as_bytes());
        let server = hex(&frame(&t, "server_hello")["handshake_message_hex"]);
        assert_eq!(ServerHello::decode(&server).unwrap(), server_hello(&t));
        assert_eq!(server_hello(&t).encode(), server);
        let finish = hex(&frame(&t, "client_finish")["handshake_message_hex"]);
        assert_eq!(ClientFinish::decode(&finish).unwrap(), client_finish(&t));
        assert_eq!(client_finish(&t).encode(), finish);
        // A message of the wrong kind is named in the error.
        assert_eq!(
            ServerHello::decode(&finish),
            Err(wazap::socket::NoiseError::UnexpectedMessage { expected: "serverHello" })
        );
    }
}

#[test]
fn recorded_cert_chains_verify_against_the_test_root() {
    for t in transcripts() {
        let chain = &t["cert_chain"];
        let root = wazap::crypto::PublicKey(hex32(&chain["root"]["public"]));
        let server_static = wazap::crypto::PublicKey(hex32(&t["keys"]["server_static"]["public"]));
        let verified = verify_cert_chain(&hex(&chain["hex"]), &root, &server_static, CERT_TIME)
            .expect("the test chain is valid");
        for (details, v) in [
            (&verified.intermediate, &chain["intermediate"]["details"]),
            (&verified.leaf, &chain["leaf"]["details"]),
        ] {
            assert_eq!(u64::from(details.serial), v["serial"].as_u64().unwrap());
            assert_eq!(u64::from(details.issuer_serial), v["issuerSerial"].as_u64().unwrap());
            assert_eq!(details.key, hex(&v["key"]));
            assert_eq!(details.not_before, v["notBefore"].as_u64());
            assert_eq!(details.not_after, v["notAfter"].as_u64());
        }
        // Signatures are deterministic, so rebuilding the chain from the pinned keys gives the
        // recorded bytes.
        let rebuilt = wazap::socket::build_cert_chain(
            &keypair(&chain["root"]),
            &keypair(&chain["intermediate"]),
            &server_static,
            Some(1_700_000_000),
            Some(2_000_000_000),
        );
        assert_eq!(rebuilt, hex(&chain["hex"]));
        // WhatsApp's real root did not sign the test chain.
        assert_eq!(
            verify_cert_chain(
                &rebuilt,
                &wazap::socket::DEFAULT_ROOT_KEY,
                &server_static,
                CERT_TIME
            ),
            Err(wazap::socket::CertError::BadIntermediateSignature)
        );
    }
}

#[tokio::test]
async fn async_client_reproduces_wire_bytes() {
    for t in transcripts() {
        let (client_end, mut server) = pipe();
        let config = ClientHandshakeConfig {
            header: ConnectionHeader::new(t["dict_version"].as_u64().unwrap() as u8),
            trusted_root: wazap::crypto::PublicKey(hex32(&t["cert_chain"]["root"]["public"])),
            now: Some(CERT_TIME),
            ..ClientHandshakeConfig::default()
        };
        let noise_key = keypair(&t["keys"]["client_static_noise_key"]);
        let ephemeral = keypair(&t["keys"]["client_ephemeral"]);
        let payload = hex(&t["client_payload"]["hex"]);
        let client = tokio::spawn(async move {
            client_handshake(client_end, &config, &noise_key, ephemeral, &payload).await
        });

        assert_eq!(server.recv().await, hex(&frame(&t, "client_hello")["wire_hex"]));
        // The server hello arrives split across two websocket messages.
        let hello = hex(&frame(&t, "server_hello")["wire_hex"]);
        server.send(hello[..100].to_vec());
        server.send(hello[100..].to_vec());
        assert_eq!(server.recv().await, hex(&frame(&t, "client_finish")["wire_hex"]));
        let mut client = client.await.unwrap().expect("client handshake");
        assert_eq!(client.peer().static_key.0, hex32(&t["keys"]["server_static"]["public"]));
        assert_eq!(client.peer().handshake_hash.to_vec(), hex(&t["final_handshake_hash"]));

        let frames = t["transport_frames"].as_array().unwrap();
        let (to_server, to_client): (Vec<_>, Vec<_>) =
            frames.iter().partition(|f| f["direction"] == "client->server");
        for f in to_server {
            client.send_frame(&hex(&f["plaintext_hex"])).await.unwrap();
            assert_eq!(server.recv().await, hex(&f["frame_hex"]));
        }
        // The server's two frames arrive packed in one websocket message.
        server.send(to_client.iter().flat_map(|f| hex(&f["frame_hex"])).collect());
        for f in to_client {
            assert_eq!(client.recv_frame().await.unwrap(), hex(&f["plaintext_hex"]));
        }
    }
}

#[tokio::test]
async fn async_server_reproduces_wire_bytes() {
    for t in transcripts() {
        let (server_end, mut client) = pipe();
        let chain = hex(&t["cert_chain"]["hex"]);
        let config = ServerHandshakeConfig::new(keypair(&t["keys"]["server_static"]), chain);
        let ephemeral = keypair(&t["keys"]["server_ephemeral"]);
        let server =
            tokio::spawn(async move { server_handshake(server_end, &config, ephemeral).await });

        client.send(hex(&frame(&t, "client_hello")["wire_hex"]));
        assert_eq!(client.recv().await, hex(&frame(&t, "server_hello")["wire_hex"]));
        client.send(hex(&frame(&t, "client_finish")["wire_hex"]));
        let (mut server, accepted) = server.await.unwrap().expect("server handshake");
        assert_eq!(accepted.payload, hex(&t["client_payload"]["hex"]));
        assert_eq!(accepted.static_key.0, hex32(&t["keys"]["client_static_noise_key"]["public"]));
        assert_eq!(u64::from(accepted.header.dict_version), t["dict_version"].as_u64().unwrap());
        assert_eq!(server.peer().handshake_hash.to_vec(), hex(&t["final_handshake_hash"]));

        for f in t["transport_frames"].as_array().unwrap() {
            if f["direction"] == "server->client" {
                server.send_frame(&hex(&f["plaintext_hex"])).await.unwrap();
                assert_eq!(client.recv().await, hex(&f["frame_hex"]));
            } else {
                client.send(hex(&f["frame_hex"]));
                assert_eq!(server.recv_frame().await.unwrap(), hex(&f["plaintext_hex"]));
            }
        }
    }
}

#[tokio::test]
async fn tampered_cert_chain_fails_the_async_client() {
    let t = &transcripts()[1];
    let (client_end, mut server) = pipe();
    let config = ClientHandshakeConfig {
        header: ConnectionHeader::new(3),
        trusted_root: wazap::crypto::PublicKey(hex32(&t["cert_chain"]["root"]["public"])),
        now: Some(2_000_000_001),
        ..ClientHandshakeConfig::default()
    };
    let noise_key = keypair(&t["keys"]["client_static_noise_key"]);
    let ephemeral = keypair(&t["keys"]["client_ephemeral"]);
    let client = tokio::spawn(async move {
        client_handshake(client_end, &config, &noise_key, ephemeral, b"").await
    });
    server.recv().await;
    server.send(hex(&frame(t, "server_hello")["wire_hex"]));
    let result = client.await.unwrap();
    assert!(
        matches!(
            result,
            Err(SocketError::Cert(wazap::socket::CertError::Expired {
                level: wazap::socket::CertLevel::Intermediate,
                not_after: 2_000_000_000,
                now: 2_000_000_001
            }))
        ),
        "{:?}",
        result.err()
    );
}
