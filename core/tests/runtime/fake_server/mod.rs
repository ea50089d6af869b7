//! A scriptable stand-in for WhatsApp's server on 127.0.0.1, built from the socket module's
//! `server_handshake`: every accepted connection is handshaken and handed to the test, which
//! then plays the server (and the phone) stanza by stanza. Every wait is bounded.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prost::Message;
use rand::rngs::OsRng;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use wazap::binary::{self, Jid, Node, Server};
use wazap::crypto::KeyPair;
use wazap::proto::ClientPayload;
use wazap::socket::{
    build_cert_chain, server_handshake, NoiseSocket, ServerHandshakeConfig, SocketError, WsMessages,
};
use wazap::types::Event;

pub const LIMIT: Duration = Duration::from_secs(15);

pub async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f).await.expect("test step timed out")
}

type Socket = NoiseSocket<WsMessages<tokio_tungstenite::WebSocketStream<TcpStream>>>;

pub struct FakeServer {
    pub url: String,
    pub root: KeyPair,
    conns: mpsc::UnboundedReceiver<ServerConn>,
    stalled: Arc<AtomicBool>,
}

/// One handshaken connection, seen from the server.
pub struct ServerConn {
    socket: Socket,
    pub payload: ClientPayload,
}

impl FakeServer {
    pub async fn start() -> Self {
        let root = KeyPair::generate(&mut OsRng);
        let intermediate = KeyPair::generate(&mut OsRng);
        let server_static = KeyPair::generate(&mut OsRng);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let chain = build_cert_chain(
            &root,
            &intermediate,
            &server_static.public,
            Some(now - 60),
            Some(now + 3600),
        );
        let config = ServerHandshakeConfig::new(server_static, chain);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("ws://{}/ws/chat", listener.local_addr().unwrap());
        let (tx, conns) = mpsc::unbounded_channel();
        let stalled = Arc::new(AtomicBool::new(false));
        let stall = stalled.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                if stall.load(Ordering::SeqCst) {
                    // Accept the TCP connection and never answer.
                    tokio::spawn(async move {
                        let _held = tcp;
                        std::future::pending::<()>().await;
                    });
                    continue;
                }
                let (tx, config) = (tx.clone(), config.clone());
                tokio::spawn(async move {
                    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
                    let eph = KeyPair::generate(&mut OsRng);
                    if let Ok((socket, client)) =
                        server_handshake(WsMessages::new(ws), &config, eph).await
                    {
                        let payload = ClientPayload::decode(client.payload.as_slice())
                            .expect("the client payload decodes");
                        let _ = tx.send(ServerConn { socket, payload });
                    }
                });
            }
        });
        Self { url, root, conns, stalled }
    }

    /// While stalled, new connections are accepted but never answered.
    pub fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::SeqCst);
    }

    /// The next handshaken connection.
    pub async fn accept(&mut self) -> ServerConn {
        bounded(self.conns.recv()).await.expect("server stopped")
    }

    /// Whether a connection arrives within `wait`.
    pub async fn accept_within(&mut self, wait: Duration) -> Option<ServerConn> {
        tokio::time::timeout(wait, self.conns.recv()).await.ok().flatten()
    }
}

pub fn server_jid() -> Jid {
    Jid::server_only(Server::Pn)
}

impl ServerConn {
    pub fn is_registration(&self) -> bool {
        self.payload.device_pairing_data.is_some()
    }

    pub async fn send(&mut self, node: &Node) {
        self.socket.send_frame(&binary::encode(node)).await.expect("server send");
    }

    pub async fn send_raw(&mut self, frame: &[u8]) {
        self.socket.send_frame(frame).await.expect("server send");
    }

    /// The next stanza from the client, keepalive pings included.
    pub async fn recv_any(&mut self) -> Result<Node, SocketError> {
        let frame = bounded(self.socket.recv_frame()).await?;
        Ok(binary::decode(&frame).expect("the client sends decodable frames"))
    }

    /// The next stanza that is not a keepalive ping (pings are answered).
    pub async fn recv(&mut self) -> Node {
        loop {
            let node = self.recv_any().await.expect("client connection");
            if node.attr_str("xmlns") == Some("w:p") {
                let id = node.attr_str("id").unwrap().to_owned();
                self.send(&Node::new("iq").attr("id", id).attr("type", "result")).await;
                continue;
            }
            return node;
        }
    }

    /// Waits until the client closes the connection (stanzas before that are skipped).
    pub async fn closed(&mut self) {
        loop {
            match bounded(self.socket.recv_frame()).await {
                Ok(_) => continue,
                Err(_) => return,
            }
        }
    }

    /// Answers `iq` with `type="result"` and the given children.
    pub async fn reply(&mut self, iq: &Node, children: Vec<Node>) {
        let id = iq.attr_str("id").expect("iq id").to_owned();
        let mut reply =
            Node::new("iq").attr("id", id).attr("type", "result").attr("from", server_jid());
        if !children.is_empty() {
            reply = reply.children(children);
        }
        self.send(&reply).await;
    }

    /// Plays the post-login exchange: `success`, then answers the prekey count (with `count`),
    /// a prekey upload if one comes, and the passive iq. Returns the upload, if any.
    pub async fn login(&mut self, count: u32) -> Option<Node> {
        self.send(&Node::new("success").attr("t", "1700000000").attr("lid", "99999:1@lid")).await;
        let mut upload = None;
        loop {
            let iq = self.recv().await;
            assert_eq!(iq.tag, "iq", "{iq}");
            match (iq.attr_str("xmlns"), iq.attr_str("type")) {
                (Some("encrypt"), Some("get")) => {
                    self.reply(&iq, vec![Node::new("count").attr("value", count.to_string())]).await
                }
                (Some("encrypt"), Some("set")) => {
                    self.reply(&iq, vec![]).await;
                    upload = Some(iq);
                }
                (Some("passive"), Some("set")) => {
                    assert!(iq.child_by_tag("active").is_some());
                    self.reply(&iq, vec![]).await;
                    return upload;
                }
                _ => panic!("unexpected stanza after success: {iq}"),
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close().await;
    }
}

/// Waits for the first event matching `pred`, skipping others.
pub async fn wait_for<F>(events: &mut wazap::client::Events, mut pred: F) -> Event
where
    F: FnMut(&Event) -> bool,
{
    bounded(async {
        loop {
            let event = events.recv().await.expect("client dropped");
            if pred(&event) {
                return event;
            }
        }
    })
    .await
}

/// A client config for the fake: its URL and root, quick timings, no keepalive noise.
pub fn config(server: &FakeServer) -> wazap::ClientConfig {
    let mut config = wazap::ClientConfig {
        url: server.url.clone(),
        trusted_root: server.root.public,
        ..Default::default()
    };
    config.keepalive.interval_min = Duration::from_secs(3600);
    config.keepalive.interval_max = Duration::from_secs(3600);
    config.reconnect.base_delay = Duration::from_millis(20);
    config.reconnect.max_delay = Duration::from_millis(200);
    config.pre_keys.initial_batch = 30;
    config.pre_keys.refill_batch = 10;
    config
}
