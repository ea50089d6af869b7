//! End to end on 127.0.0.1: a tokio-tungstenite server running `server_handshake` and a client
//! running `connect` + `client_handshake`, then encrypted frames both ways; a wrong trusted root,
//! a silent server and a TLS URL give the right errors. Every wait is bounded.
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::rngs::OsRng;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use wazap::crypto::KeyPair;
use wazap::socket::{
    build_cert_chain, client_handshake, connect, server_handshake, AcceptedClient, CertError,
    ClientHandshakeConfig, ConnectionHeader, NoiseSocket, ServerHandshakeConfig, SocketError,
    WsMessages, DEFAULT_ORIGIN,
};

const LIMIT: Duration = Duration::from_secs(10);

async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f).await.expect("test step timed out")
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

struct Pki {
    root: KeyPair,
    server_static: KeyPair,
    chain: Vec<u8>,
}

fn pki() -> Pki {
    let root = KeyPair::generate(&mut OsRng);
    let intermediate = KeyPair::generate(&mut OsRng);
    let server_static = KeyPair::generate(&mut OsRng);
    let now = unix_now();
    let chain = build_cert_chain(
        &root,
        &intermediate,
        &server_static.public,
        Some(now - 60),
        Some(now + 3600),
    );
    Pki { root, server_static, chain }
}

type ServerSocket = NoiseSocket<WsMessages<tokio_tungstenite::WebSocketStream<TcpStream>>>;

/// Accepts one websocket connection and runs the server handshake on it; also reports the
/// `Origin` header the client sent.
async fn accept_one(
    listener: TcpListener,
    config: ServerHandshakeConfig,
) -> (Result<(ServerSocket, AcceptedClient), SocketError>, Option<String>) {
    let (tcp, _) = listener.accept().await.expect("accept");
    let (origin_tx, origin_rx) = oneshot::channel();
    // The callback's signature is tungstenite's, large error type included.
    #[allow(clippy::result_large_err)]
    let record_origin = |req: &Request, resp: Response| {
        let origin = req.headers().get("origin").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let _ = origin_tx.send(origin);
        Ok(resp)
    };
    let ws =
        tokio_tungstenite::accept_hdr_async(tcp, record_origin).await.expect("websocket upgrade");
    let result =
        server_handshake(WsMessages::new(ws), &config, KeyPair::generate(&mut OsRng)).await;
    (result, origin_rx.await.ok().flatten())
}

async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/ws/chat", listener.local_addr().unwrap());
    (listener, url)
}

fn client_config(trusted: &KeyPair) -> ClientHandshakeConfig {
    ClientHandshakeConfig { trusted_root: trusted.public, ..ClientHandshakeConfig::default() }
}

#[tokio::test]
async fn handshake_and_frames_both_ways() {
    let pki = pki();
    let (listener, url) = listener().await;
    let server_static = pki.server_static.public;
    let server = tokio::spawn(accept_one(
        listener,
        ServerHandshakeConfig::new(pki.server_static, pki.chain),
    ));

    let noise_key = KeyPair::generate(&mut OsRng);
    let ws = bounded(connect(&url, DEFAULT_ORIGIN)).await.expect("connect");
    let payload = b"marshalled ClientPayload".to_vec();
    let mut client = bounded(client_handshake(
        ws,
        &client_config(&pki.root),
        &noise_key,
        KeyPair::generate(&mut OsRng),
        &payload,
    ))
    .await
    .expect("client handshake");
    assert_eq!(client.peer().static_key, server_static);

    let (result, origin) = bounded(server).await.expect("server task");
    let (mut server, accepted) = result.expect("server handshake");
    assert_eq!(origin.as_deref(), Some(DEFAULT_ORIGIN));
    assert_eq!(accepted.payload, payload);
    assert_eq!(accepted.static_key, noise_key.public);
    assert_eq!(accepted.header, ConnectionHeader::new(3));
    assert_eq!(server.peer().handshake_hash, client.peer().handshake_hash);

    // Several frames each way, including an empty one and one of 1 MiB.
    let big = vec![0xa5; 1 << 20];
    for msg in [&b"\x00first"[..], b"", &big] {
        bounded(client.send_frame(msg)).await.unwrap();
        assert_eq!(bounded(server.recv_frame()).await.unwrap(), msg);
        bounded(server.send_frame(msg)).await.unwrap();
        assert_eq!(bounded(client.recv_frame()).await.unwrap(), msg);
    }

    // A frame over the limit is refused before it uses a nonce; the connection goes on.
    let too_big = vec![0; wazap::socket::MAX_WIRE_LENGTH];
    let refused = bounded(client.send_frame(&too_big)).await;
    assert!(
        matches!(refused, Err(SocketError::Frame(wazap::socket::FrameError::TooLarge { .. }))),
        "{refused:?}"
    );
    bounded(client.send_frame(b"after")).await.unwrap();
    assert_eq!(bounded(server.recv_frame()).await.unwrap(), b"after");

    // Split halves: the client reads in one task while writing in another.
    let (mut reader, mut writer) = client.split();
    let echo = tokio::spawn(async move {
        for _ in 0..3 {
            let frame = server.recv_frame().await?;
            server.send_frame(&frame).await?;
        }
        server.close().await
    });
    let read_task = tokio::spawn(async move {
        let mut got = Vec::new();
        for _ in 0..3 {
            got.push(reader.recv_frame().await.expect("echo"));
        }
        // The server closed after echoing: the reader sees the end.
        assert!(matches!(reader.recv_frame().await, Err(SocketError::Closed)));
        got
    });
    for i in 0..3u8 {
        bounded(writer.send_frame(&[i; 10])).await.unwrap();
    }
    let got = bounded(read_task).await.unwrap();
    assert_eq!(got, vec![vec![0u8; 10], vec![1; 10], vec![2; 10]]);
    bounded(echo).await.unwrap().unwrap();
}

#[tokio::test]
async fn wrong_trusted_root_is_refused() {
    let pki = pki();
    let (listener, url) = listener().await;
    let server = tokio::spawn(accept_one(
        listener,
        ServerHandshakeConfig::new(pki.server_static, pki.chain),
    ));
    let ws = bounded(connect(&url, DEFAULT_ORIGIN)).await.expect("connect");
    let other_root = KeyPair::generate(&mut OsRng);
    let result = bounded(client_handshake(
        ws,
        &client_config(&other_root),
        &KeyPair::generate(&mut OsRng),
        KeyPair::generate(&mut OsRng),
        b"payload",
    ))
    .await;
    assert!(
        matches!(result, Err(SocketError::Cert(CertError::BadIntermediateSignature))),
        "{result:?}"
    );
    // The client dropped the connection without finishing: the server does not hang.
    let (server_result, _) = bounded(server).await.unwrap();
    assert!(server_result.is_err());
}

#[tokio::test]
async fn silent_server_times_out() {
    let (listener, url) = listener().await;
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let _ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        // Keep the connection open, say nothing, until the client has given up.
        let _ = done_rx.await;
    });
    let ws = bounded(connect(&url, DEFAULT_ORIGIN)).await.expect("connect");
    let config = ClientHandshakeConfig {
        server_hello_timeout: Duration::from_millis(200),
        ..ClientHandshakeConfig::default()
    };
    let noise_key = KeyPair::generate(&mut OsRng);
    let result =
        bounded(client_handshake(ws, &config, &noise_key, KeyPair::generate(&mut OsRng), b""))
            .await;
    assert!(matches!(result, Err(SocketError::Timeout("the server hello"))), "{result:?}");
    done_tx.send(()).unwrap();
    bounded(server).await.unwrap();
}

#[tokio::test]
async fn wss_urls_start_a_tls_handshake() {
    // No network: a local TCP listener checks that a TLS ClientHello arrives (so rustls has a
    // crypto provider), then hangs up; the client reports an error instead of panicking.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("wss://{}/ws/chat", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut head = [0u8; 3];
        tcp.read_exact(&mut head).await.unwrap();
        head
    });
    let result = bounded(connect(&url, DEFAULT_ORIGIN)).await;
    assert!(matches!(result, Err(SocketError::WebSocket(_))), "{:?}", result.err());
    let head = bounded(server).await.unwrap();
    assert_eq!(head[..2], [0x16, 0x03], "TLS handshake record");
}

#[tokio::test]
async fn garbage_instead_of_header_is_refused_by_the_server() {
    use futures_util::SinkExt;
    let pki = pki();
    let (listener, url) = listener().await;
    let server = tokio::spawn(accept_one(
        listener,
        ServerHandshakeConfig::new(pki.server_static, pki.chain),
    ));
    let mut ws = bounded(connect(&url, DEFAULT_ORIGIN)).await.expect("connect");
    bounded(ws.send(b"GET / HTTP/1.1".to_vec())).await.unwrap();
    let (result, _) = bounded(server).await.unwrap();
    assert!(
        matches!(result, Err(SocketError::Frame(wazap::socket::FrameError::MissingHeader(_)))),
        "{:?}",
        result.err()
    );
}
