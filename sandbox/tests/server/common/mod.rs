//! A small TEST client for driving the sandbox: the core's websocket, Noise handshake, binary
//! nodes and pairing logic, with timeouts everywhere. Not a WhatsApp client: it does exactly what
//! each test spells out.

use std::time::Duration;

use prost::Message;
use rand::rngs::OsRng;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wazap::binary::{Decoder, DictVersion, Encoder, Jid, Node, Server};
use wazap::crypto::KeyPair;
use wazap::pair::{complete_pair_success, qr_string, CompanionClientType};
use wazap::payload::{
    login_payload, registration_payload, CompanionProps, PayloadConfig, RegistrationKeys,
};
use wazap::proto::device_props::PlatformType;
use wazap::proto::ClientPayload;
use wazap::signal::{generate_registration_id, SignedPreKeyRecord};
use wazap::socket::{
    client_handshake, connect, ClientHandshakeConfig, ConnectionHeader, NoiseSocket, SocketError,
    WsConnection,
};
use wazap_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

/// How long any single expected event may take.
pub const WAIT: Duration = Duration::from_secs(10);

pub async fn start() -> SandboxHandle {
    Sandbox::start(SandboxConfig::ephemeral()).await.expect("sandbox starts")
}

/// A companion's keys.
pub struct TestDevice {
    pub noise: KeyPair,
    pub identity: KeyPair,
    pub registration_id: u32,
    pub signed_prekey: SignedPreKeyRecord,
    pub adv_secret: [u8; 32],
    /// `(phone, device)` once paired.
    pub paired: Option<(String, u16)>,
}

impl TestDevice {
    pub fn new() -> Self {
        let identity = KeyPair::generate(&mut OsRng);
        let signed_prekey = SignedPreKeyRecord::generate(&identity, 1, &mut OsRng);
        let mut adv_secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut OsRng, &mut adv_secret);
        Self {
            noise: KeyPair::generate(&mut OsRng),
            identity,
            registration_id: generate_registration_id(&mut OsRng),
            signed_prekey,
            adv_secret,
            paired: None,
        }
    }

    pub fn registration_payload(&self) -> ClientPayload {
        let keys = RegistrationKeys {
            registration_id: self.registration_id,
            identity: self.identity.public,
            signed_prekey_id: self.signed_prekey.id,
            signed_prekey: self.signed_prekey.key_pair.public,
            signed_prekey_signature: self.signed_prekey.signature,
        };
        registration_payload(
            &keys,
            &PayloadConfig::default(),
            &CompanionProps::new("wazap-test", PlatformType::Chrome),
        )
    }

    pub fn login_payload(&self) -> ClientPayload {
        let (phone, device) = self.paired.clone().expect("paired device");
        login_payload(phone.parse().expect("numeric phone"), device, &PayloadConfig::default())
    }

    pub fn qr(&self, reference: &str) -> String {
        qr_string(
            reference,
            &self.noise.public,
            &self.identity.public,
            &self.adv_secret,
            CompanionClientType::Chrome,
        )
    }
}

/// An encrypted connection speaking binary nodes.
pub struct TestConn {
    socket: NoiseSocket<WsConnection>,
    encoder: Encoder,
    decoder: Decoder,
    next_id: u32,
}

impl TestConn {
    /// Connects and handshakes with `payload`, trusting the sandbox's root.
    pub async fn connect(
        sandbox: &SandboxHandle,
        device: &TestDevice,
        payload: &ClientPayload,
        dict: DictVersion,
    ) -> Result<TestConn, SocketError> {
        let ws = tokio::time::timeout(WAIT, connect(sandbox.ws_url(), "https://web.whatsapp.com"))
            .await
            .map_err(|_| SocketError::Timeout("connect"))??;
        let config = ClientHandshakeConfig {
            header: ConnectionHeader::new(dict.prologue_byte()),
            trusted_root: sandbox.root_public_key(),
            ..ClientHandshakeConfig::default()
        };
        let socket = client_handshake(
            ws,
            &config,
            &device.noise,
            KeyPair::generate(&mut OsRng),
            &payload.encode_to_vec(),
        )
        .await?;
        Ok(TestConn {
            socket,
            encoder: Encoder::new(dict),
            decoder: Decoder::new(dict),
            next_id: 0,
        })
    }

    pub async fn send(&mut self, node: &Node) {
        let bytes = self.encoder.encode(node);
        self.socket.send_frame(&bytes).await.expect("send");
    }

    /// Sends a frame body as is (flags byte + whatever), to test malformed input.
    pub async fn send_raw(&mut self, frame: &[u8]) {
        self.socket.send_frame(frame).await.expect("send");
    }

    /// The next node, or `None` when the server closed the connection.
    pub async fn recv_or_closed(&mut self) -> Option<Node> {
        self.recv_frame_or_closed().await.map(|(_, node)| node)
    }

    /// The next frame as it came (flags byte, then the encoded node) and its node, or `None`
    /// when the server closed the connection: for tests of the exact bytes.
    pub async fn recv_frame_or_closed(&mut self) -> Option<(Vec<u8>, Node)> {
        match tokio::time::timeout(WAIT, self.socket.recv_frame()).await {
            Err(_) => panic!("no node from the sandbox within {WAIT:?}"),
            Ok(Err(SocketError::Closed)) => None,
            Ok(Err(e)) => panic!("reading failed: {e}"),
            Ok(Ok(frame)) => {
                let node = self.decoder.decode(&frame).expect("decodable node");
                Some((frame, node))
            }
        }
    }

    /// The nodes that come until the connection ends, cleanly or cut (a reset, no close
    /// frame): for tests of injected drops.
    pub async fn recv_until_cut(&mut self) -> Vec<Node> {
        let mut nodes = Vec::new();
        loop {
            match tokio::time::timeout(WAIT, self.socket.recv_frame()).await {
                Err(_) => panic!("the connection was not ended within {WAIT:?}"),
                Ok(Err(_)) => return nodes,
                Ok(Ok(frame)) => nodes.push(self.decoder.decode(&frame).expect("decodable node")),
            }
        }
    }

    pub async fn recv(&mut self) -> Node {
        self.recv_or_closed().await.expect("a node, not a closed connection")
    }

    /// Receives until a node with `tag` comes (others are dropped).
    pub async fn recv_tag(&mut self, tag: &str) -> Node {
        loop {
            let node = self.recv().await;
            if node.tag == tag {
                return node;
            }
        }
    }

    /// Asserts the server ends the connection next (after any nodes, which are returned): it
    /// closes, or sends a last `stream:error`/`failure`, upon which this client closes its side
    /// (as clients do; the server waits for that) and the server must close too.
    pub async fn expect_closed(&mut self) -> Vec<Node> {
        let mut before = Vec::new();
        while let Some(node) = self.recv_or_closed().await {
            let last = matches!(node.tag.as_ref(), "stream:error" | "failure");
            before.push(node);
            if last {
                self.close().await;
            }
        }
        before
    }

    /// Closes our side (a websocket close); the server's answering close is read as the end.
    pub async fn close(&mut self) {
        let _ = tokio::time::timeout(WAIT, self.socket.close()).await;
    }

    /// Sends an iq to `s.whatsapp.net` (adds `id`) and returns the response with that id.
    pub async fn iq(
        &mut self,
        xmlns: &'static str,
        kind: &'static str,
        content: Vec<Node>,
    ) -> Node {
        self.iq_to(xmlns, kind, Jid::server_only(Server::Pn), content).await
    }

    /// Sends an iq to `to` and returns the response with its id.
    pub async fn iq_to(
        &mut self,
        xmlns: &'static str,
        kind: &'static str,
        to: Jid,
        content: Vec<Node>,
    ) -> Node {
        self.next_id += 1;
        let id = format!("test-{}", self.next_id);
        let node = Node::new("iq")
            .attr("id", id.clone())
            .attr("xmlns", xmlns)
            .attr("type", kind)
            .attr("to", to)
            .children(content);
        self.send(&node).await;
        loop {
            let reply = self.recv().await;
            if reply.tag == "iq" && reply.attr_str("id") == Some(id.as_str()) {
                return reply;
            }
        }
    }
}

/// `<iq type="result" id to>` answering a server iq.
pub fn iq_result_for(iq: &Node) -> Node {
    Node::new("iq")
        .attr("id", iq.attr_str("id").expect("iq id").to_owned())
        .attr("type", "result")
        .attr("to", Jid::server_only(Server::Pn))
}

/// The error code of an iq error reply.
pub fn iq_error_code(iq: &Node) -> Option<u64> {
    (iq.attr_str("type") == Some("error"))
        .then(|| iq.child_by_tag("error").and_then(|e| e.opt_u64("code").ok().flatten()))
        .flatten()
}

/// Connects as an unpaired device and returns the connection and the six refs.
pub async fn register(sandbox: &SandboxHandle, device: &TestDevice) -> (TestConn, Vec<String>) {
    let mut conn =
        TestConn::connect(sandbox, device, &device.registration_payload(), DictVersion::V3)
            .await
            .expect("registration handshake");
    let iq = conn.recv().await;
    let pair_device = iq.child_by_tag("pair-device").expect("pair-device iq");
    let refs = pair_device
        .children_by_tag("ref")
        .map(|r| r.content_str().expect("ref text").to_owned())
        .collect();
    conn.send(&iq_result_for(&iq)).await;
    (conn, refs)
}

/// Answers a pair-success as a companion does (verifies it with the pair module and signs);
/// returns (phone, device) from `<device jid>`.
pub async fn answer_pair_success(conn: &mut TestConn, device: &mut TestDevice) -> (String, u16) {
    let iq = conn.recv_tag("iq").await;
    let success = iq.child_by_tag("pair-success").expect("pair-success");
    let identity = success
        .child_by_tag("device-identity")
        .and_then(Node::content_bytes)
        .expect("device-identity");
    let pairing = complete_pair_success(identity, &device.adv_secret, &device.identity)
        .expect("pair-success verifies with our adv secret and identity");
    let jid = success.child_by_tag("device").expect("device").req_jid("jid").expect("device jid");
    let reply = iq_result_for(&iq).child(
        Node::new("pair-device-sign").child(
            Node::new("device-identity")
                .attr("key-index", pairing.key_index())
                .bytes(pairing.reply_identity.clone()),
        ),
    );
    conn.send(&reply).await;
    device.paired = Some((jid.user.clone(), jid.device));
    (jid.user, jid.device)
}

/// Creates an account over the control API.
pub async fn create_account(sandbox: &SandboxHandle, phone: &str, name: &str) -> Value {
    let body = serde_json::json!({ "phone": phone, "push_name": name, "echo": false });
    let (status, value) = http(sandbox, "POST", "/control/accounts", Some(&body.to_string())).await;
    assert_eq!(status, 201, "account creation: {value}");
    value
}

/// Pairs a new device by QR for `phone` (which must exist), through to the 515.
pub async fn pair_new_device(sandbox: &SandboxHandle, phone: &str) -> TestDevice {
    let mut device = TestDevice::new();
    let (mut conn, refs) = register(sandbox, &device).await;
    let body = serde_json::json!({ "phone": phone, "qr": device.qr(&refs[0]) });
    let (status, value) = http(sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
    assert_eq!(status, 200, "pair: {value}");
    answer_pair_success(&mut conn, &mut device).await;
    let last = conn.expect_closed().await;
    assert_eq!(last.last().map(|n| n.attr_str("code")), Some(Some("515")), "{last:?}");
    take_welcome(sandbox, &device).await;
    device
}

/// How many peer messages a phone sends a new companion: the app state key share, then the
/// history sync notifications (initial bootstrap, push names).
pub const WELCOME_MESSAGES: usize = 3;

/// Logs the new device in once, publishes its keys (no one-time prekeys) as a client does
/// first, receives and acks what its phone then sends every new companion (so that tests of
/// other things start from an empty queue), and disconnects.
pub async fn take_welcome(sandbox: &SandboxHandle, device: &TestDevice) {
    let (mut conn, _) = login(sandbox, device).await;
    let signed = &device.signed_prekey;
    let upload = vec![
        Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()),
        Node::new("type").bytes(vec![5]),
        Node::new("identity").bytes(device.identity.public.0.to_vec()),
        Node::new("list"),
        Node::new("skey")
            .child(Node::new("id").bytes(signed.id.to_be_bytes()[1..].to_vec()))
            .child(Node::new("value").bytes(signed.key_pair.public.0.to_vec()))
            .child(Node::new("signature").bytes(signed.signature.to_vec())),
    ];
    let reply = conn.iq("encrypt", "set", upload).await;
    assert_eq!(reply.attr_str("type"), Some("result"), "{reply}");
    let mut seen = 0;
    while seen < WELCOME_MESSAGES {
        let node = conn.recv_tag("message").await;
        assert_eq!(node.attr_str("category"), Some("peer"), "{node}");
        let ack = Node::new("ack")
            .attr("class", "message")
            .attr("id", node.attr_str("id").expect("id").to_owned())
            .attr("to", node.req_jid("from").expect("from"));
        conn.send(&ack).await;
        seen += 1;
    }
    // A round trip: the acks were handled before the connection goes.
    conn.iq("w:p", "get", vec![]).await;
}

/// Logs a paired device in; returns the connection and the `<success>` node.
pub async fn login(sandbox: &SandboxHandle, device: &TestDevice) -> (TestConn, Node) {
    let mut conn = TestConn::connect(sandbox, device, &device.login_payload(), DictVersion::V3)
        .await
        .expect("login handshake");
    let success = conn.recv().await;
    (conn, success)
}

/// A minimal HTTP/1.1 request to the sandbox; returns the status, the head and the raw body.
pub async fn http_raw(
    sandbox: &SandboxHandle,
    method: &str,
    path: &str,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let exchange = async {
        let mut stream = TcpStream::connect(sandbox.local_addr()).await.expect("tcp connect");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: \
             application/json\r\nContent-Length: {}\r\n\r\n",
            sandbox.local_addr(),
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("write request");
        stream.write_all(body).await.expect("write body");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read response");
        response
    };
    let response =
        tokio::time::timeout(Duration::from_secs(60), exchange).await.expect("HTTP in time");
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("HTTP head");
    let head = String::from_utf8(response[..split].to_vec()).expect("UTF-8 head");
    let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    (status, head, response[split + 4..].to_vec())
}

/// [`http_raw`] with a text body; returns the status and the JSON body (or `Value::Null` for an
/// empty or non-JSON body).
pub async fn http(
    sandbox: &SandboxHandle,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let (status, head, body) = http_raw(sandbox, method, path, body.unwrap_or("").as_bytes()).await;
    let body = String::from_utf8(body).expect("UTF-8 body");
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
