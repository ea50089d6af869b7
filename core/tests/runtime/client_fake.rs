//! The client against a scripted in-process server (`fake_server`): pairing by QR and by code,
//! login after a restart, reconnects, terminal errors, keepalive, iq timeouts and malformed
//! input. The end-to-end suite against the sandbox lives in `tests/e2e`.
use crate::fake_server;

use std::sync::Arc;
use std::time::Duration;

use fake_server::{bounded, config, server_jid, wait_for, FakeServer, ServerConn};
use rand::rngs::OsRng;
use wazap::binary::{Jid, Node};
use wazap::crypto::KeyPair;
use wazap::pair::{
    issue_device_identity, parse_qr, verify_pair_device_sign, AccountKind, CompanionClientType,
    DeviceGrant, PairingCode, PrimaryCodePairing,
};
use wazap::socket::SocketError;
use wazap::store::{DeviceStore, MemoryDeviceStore, SqliteStore};
use wazap::{Client, ClientError, Event};

const PHONE: &str = "15551234567";

fn device_jid() -> Jid {
    format!("{PHONE}:3@s.whatsapp.net").parse().unwrap()
}

fn grant() -> DeviceGrant {
    DeviceGrant { raw_id: 7, timestamp: 1_700_000_000, key_index: 2, kind: AccountKind::E2ee }
}

fn pair_device(refs: &[&str]) -> Node {
    Node::new("iq").attr("from", server_jid()).attr("type", "set").attr("id", "pd-1").child(
        Node::new("pair-device")
            .children(refs.iter().map(|r| Node::new("ref").bytes(r.as_bytes().to_vec()))),
    )
}

fn pair_success(identity: Vec<u8>) -> Node {
    Node::new("iq").attr("from", server_jid()).attr("type", "set").attr("id", "ps-1").child(
        Node::new("pair-success").children([
            Node::new("device-identity").bytes(identity),
            Node::new("device")
                .attr("jid", device_jid())
                .attr("lid", "99999:3@lid".parse::<Jid>().unwrap()),
            Node::new("platform").attr("name", "android"),
            Node::new("biz").attr("name", ""),
        ]),
    )
}

/// Plays the phone for a pair-success signed for `companion_identity` with `adv_secret`, checks
/// the client's countersignature, restarts the stream (515) and returns the login connection.
async fn complete_pairing(
    server: &mut FakeServer,
    mut conn: ServerConn,
    events: &mut wazap::client::Events,
    companion_identity: &wazap::crypto::PublicKey,
    adv_secret: &[u8; 32],
) -> ServerConn {
    let account = KeyPair::generate(&mut OsRng);
    conn.send(&pair_success(issue_device_identity(
        &account,
        companion_identity,
        adv_secret,
        &grant(),
    )))
    .await;
    let sign = conn.recv().await;
    assert_eq!(sign.attr_str("id"), Some("ps-1"));
    assert_eq!(sign.attr_str("type"), Some("result"));
    let identity = sign.child_by_path(&["pair-device-sign", "device-identity"]).expect("signature");
    assert_eq!(identity.attr_str("key-index"), Some("2"));
    let reply = identity.content_bytes().unwrap();
    verify_pair_device_sign(reply, &account.public, companion_identity)
        .expect("the device signature verifies");
    let raw = <wazap::proto::AdvSignedDeviceIdentity as prost::Message>::decode(reply).unwrap();
    assert!(raw.account_signature_key.is_none(), "the key is stripped in the reply");
    match wait_for(events, |e| matches!(e, Event::PairSuccess { .. })).await {
        Event::PairSuccess { jid, lid, platform, .. } => {
            assert_eq!(jid, device_jid());
            assert_eq!(lid, Some("99999:3@lid".parse().unwrap()));
            assert_eq!(platform, "android");
        }
        _ => unreachable!(),
    }
    conn.send(&Node::new("stream:error").attr("code", "515")).await;
    let login = server.accept().await;
    assert!(!login.is_registration(), "after pairing the client logs in");
    assert_eq!(login.payload.username, Some(PHONE.parse().unwrap()));
    assert_eq!(login.payload.device, Some(3));
    login
}

/// Connects a fresh client and pairs it by QR; returns the logged-in server connection.
async fn pair_by_qr(
    server: &mut FakeServer,
    client: &Client,
    events: &mut wazap::client::Events,
) -> ServerConn {
    bounded(client.connect()).await.expect("connect");
    let mut conn = server.accept().await;
    assert!(conn.is_registration());
    let pairing = conn.payload.device_pairing_data.clone().unwrap();
    conn.send(&pair_device(&["REF-1", "REF-2"])).await;
    let ack = conn.recv().await;
    assert_eq!((ack.attr_str("id"), ack.attr_str("type")), (Some("pd-1"), Some("result")));
    let Event::Qr { code, timeout_ms } = wait_for(events, |e| matches!(e, Event::Qr { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(timeout_ms, 60_000);
    assert!(code.starts_with("https://wa.me/settings/linked_devices#REF-1,"), "{code}");
    let qr = parse_qr(&code).unwrap();
    assert_eq!(qr.identity_public.0.to_vec(), pairing.e_ident.unwrap());
    assert_eq!(qr.client_type, Some(CompanionClientType::Chrome));
    complete_pairing(server, conn, events, &qr.identity_public, &qr.adv_secret).await
}

#[tokio::test]
async fn qr_pairing_then_login_and_prekey_upload() {
    let mut server = FakeServer::start().await;
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store.clone(), config(&server));
    let mut events = client.events();
    let mut conn = pair_by_qr(&mut server, &client, &mut events).await;

    let upload = conn.login(0).await.expect("a first upload when the server has none");
    wait_for(&mut events, |e| *e == Event::Connected).await;
    assert!(client.is_logged_in());
    let list = upload.child_by_tag("list").unwrap();
    assert_eq!(list.children_by_tag("key").count(), 30, "the initial batch");
    let device = store.load_device().unwrap().unwrap();
    assert_eq!(device.jid, Some(device_jid()));
    assert_eq!(device.next_pre_key_id, 31);
    assert_eq!(
        upload.child_by_tag("identity").unwrap().content_bytes().unwrap(),
        device.identity_key.public.0
    );
    let skey = upload.child_by_tag("skey").unwrap();
    assert_eq!(
        skey.child_by_tag("signature").unwrap().content_bytes().unwrap(),
        device.signed_pre_key.signature
    );
    assert_eq!(client.server_time_offset().signum(), -1, "the fake's clock is in 2023");

    // A low-prekey notification is acked and triggers a refill of the smaller batch.
    conn.send(
        &Node::new("notification")
            .attr("from", server_jid())
            .attr("type", "encrypt")
            .attr("id", "n-1")
            .child(Node::new("count").attr("value", "2")),
    )
    .await;
    let ack = conn.recv().await;
    assert_eq!(
        (&*ack.tag, ack.attr_str("class"), ack.attr_str("id")),
        ("ack", Some("notification"), Some("n-1"))
    );
    assert_eq!(ack.attr_str("type"), Some("encrypt"));
    let refill = conn.recv().await;
    assert_eq!(refill.attr_str("xmlns"), Some("encrypt"));
    let ids: Vec<&[u8]> = refill
        .child_by_tag("list")
        .unwrap()
        .children_by_tag("key")
        .map(|k| k.child_by_tag("id").unwrap().content_bytes().unwrap())
        .collect();
    assert_eq!(ids.len(), 10);
    assert_eq!(ids[0], [0, 0, 31], "ids continue after the uploaded ones");
    conn.reply(&refill, vec![]).await;
    client.disconnect().await;
}

#[tokio::test]
async fn a_new_client_on_the_same_sqlite_file_logs_in_without_qr() {
    let dir = std::env::temp_dir().join(format!("wazap-client-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wazap.db");
    let mut server = FakeServer::start().await;
    {
        let store = SqliteStore::open(&path).unwrap();
        let client = Client::new(Arc::new(store.account("main")), config(&server));
        let mut events = client.events();
        let mut conn = pair_by_qr(&mut server, &client, &mut events).await;
        conn.login(0).await;
        wait_for(&mut events, |e| *e == Event::Connected).await;
        client.disconnect().await;
        conn.closed().await;
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.accounts().unwrap(), vec!["main".to_owned()]);
    let client = Client::new(Arc::new(store.account("main")), config(&server));
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    assert!(!conn.is_registration(), "the restarted client logs in");
    assert_eq!(conn.payload.username, Some(PHONE.parse().unwrap()));
    assert!(conn.login(100).await.is_none(), "no upload while the server has enough prekeys");
    wait_for(&mut events, |e| *e == Event::Connected).await;
    assert_eq!(client.jid(), Some(device_jid()));
    client.disconnect().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A paired client logged in to `server` (shared with `client_groups`).
pub(crate) async fn logged_in(
    server: &mut FakeServer,
) -> (Client, wazap::client::Events, ServerConn, Arc<MemoryDeviceStore>) {
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store.clone(), config(server));
    let mut events = client.events();
    let mut conn = pair_by_qr(server, &client, &mut events).await;
    conn.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    (client, events, conn, store)
}

#[tokio::test]
async fn a_dropped_connection_is_remade_by_itself() {
    let mut server = FakeServer::start().await;
    let (client, mut events, conn, _) = logged_in(&mut server).await;
    conn.close().await;
    wait_for(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
    let mut again = server.accept().await;
    assert!(!again.is_registration());
    again.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    // And it keeps working: an iq round trip on the new connection.
    let probe = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .send_iq(
                    Node::new("iq")
                        .attr("xmlns", "test")
                        .attr("type", "get")
                        .attr("to", server_jid()),
                    None,
                )
                .await
        }
    });
    let iq = again.recv().await;
    again.reply(&iq, vec![Node::new("pong")]).await;
    let answer = bounded(probe).await.unwrap().unwrap();
    assert!(answer.child_by_tag("pong").is_some());
    client.disconnect().await;
}

#[tokio::test]
async fn service_unavailable_failure_is_retried() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn, _) = logged_in(&mut server).await;
    conn.send(&Node::new("stream:error").attr("code", "503")).await;
    wait_for(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
    let mut again = server.accept().await;
    again.send(&Node::new("failure").attr("reason", "503")).await;
    let mut third = server.accept().await;
    third.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    client.disconnect().await;
}

#[tokio::test]
async fn device_removed_logs_out_and_deletes_the_keys() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn, store) = logged_in(&mut server).await;
    conn.send(
        &Node::new("stream:error")
            .attr("code", "401")
            .child(Node::new("conflict").attr("type", "device_removed")),
    )
    .await;
    let event = wait_for(&mut events, |e| matches!(e, Event::LoggedOut { .. })).await;
    assert_eq!(event, Event::LoggedOut { reason: "device_removed".into(), on_connect: false });
    assert!(store.load_device().unwrap().is_none(), "the keys are gone");
    assert!(server.accept_within(Duration::from_millis(300)).await.is_none(), "no reconnect");
    assert!(client.jid().is_none());
}

#[tokio::test]
async fn stream_replaced_and_failures_are_terminal_events() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn, store) = logged_in(&mut server).await;
    conn.send(&Node::new("stream:error").child(Node::new("conflict").attr("type", "replaced")))
        .await;
    wait_for(&mut events, |e| *e == Event::StreamReplaced).await;
    assert!(server.accept_within(Duration::from_millis(300)).await.is_none(), "no reconnect");
    assert!(store.load_device().unwrap().is_some(), "the pairing is kept");

    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    conn.send(&Node::new("failure").attr("reason", "405")).await;
    wait_for(&mut events, |e| *e == Event::ClientOutdated).await;

    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    conn.send(
        &Node::new("failure").attr("reason", "402").attr("code", "101").attr("expire", "3600"),
    )
    .await;
    let ban = wait_for(&mut events, |e| matches!(e, Event::TemporaryBan { .. })).await;
    assert_eq!(ban, Event::TemporaryBan { code: 101, expire_secs: 3600 });

    bounded(client.connect()).await.unwrap();
    assert!(client.is_connected(), "connected as soon as connect() has returned");
    let mut conn = server.accept().await;
    conn.send(&Node::new("failure").attr("reason", "401")).await;
    let out = wait_for(&mut events, |e| matches!(e, Event::LoggedOut { .. })).await;
    assert_eq!(out, Event::LoggedOut { reason: "401".into(), on_connect: true });
    assert!(store.load_device().unwrap().is_none());
}

#[tokio::test]
async fn a_wrong_root_key_refuses_the_handshake() {
    let server = FakeServer::start().await;
    let mut cfg = config(&server);
    cfg.trusted_root = KeyPair::generate(&mut OsRng).public;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let err = bounded(client.connect()).await.unwrap_err();
    assert!(matches!(err, ClientError::Socket(SocketError::Cert(_))), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(!client.is_connected());
}

#[tokio::test]
async fn qr_codes_rotate_then_time_out_and_disconnect() {
    let mut server = FakeServer::start().await;
    let mut cfg = config(&server);
    cfg.qr_first_timeout = Duration::from_millis(150);
    cfg.qr_next_timeout = Duration::from_millis(50);
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    conn.send(&pair_device(&["A", "B", "C"])).await;
    let mut seen = Vec::new();
    loop {
        match wait_for(&mut events, |_| true).await {
            Event::Qr { code, timeout_ms } => {
                seen.push((parse_qr(&code).unwrap().reference, timeout_ms))
            }
            Event::QrTimeout => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, vec![("A".into(), 150), ("B".into(), 50), ("C".into(), 50)]);
    conn.closed().await;
    assert!(server.accept_within(Duration::from_millis(300)).await.is_none(), "no reconnect");
    assert!(!client.is_connected());
}

#[tokio::test]
async fn pairing_by_phone_code() {
    let mut server = FakeServer::start().await;
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store.clone(), config(&server));
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    conn.send(&pair_device(&["REF"])).await;
    conn.recv().await;
    wait_for(&mut events, |e| matches!(e, Event::Qr { .. })).await;

    let pairing = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .pair_phone("+1 555 123 4567", true, CompanionClientType::Chrome, "Chrome (Linux)")
                .await
        }
    });
    let hello = conn.recv().await;
    assert_eq!(hello.attr_str("xmlns"), Some("md"));
    let reg = hello.child_by_tag("link_code_companion_reg").unwrap();
    assert_eq!(reg.attr_str("stage"), Some("companion_hello"));
    assert_eq!(reg.attr_str("should_show_push_notification"), Some("true"));
    assert_eq!(reg.get_attr("jid").unwrap().to_string(), format!("{PHONE}@s.whatsapp.net"));
    let bytes =
        |n: &Node, tag: &str| n.child_by_tag(tag).unwrap().content_bytes().unwrap().to_vec();
    assert_eq!(bytes(reg, "companion_platform_id"), b"1");
    assert_eq!(bytes(reg, "companion_platform_display"), b"Chrome (Linux)");
    let noise = store.load_device().unwrap().unwrap().noise_key.public;
    assert_eq!(bytes(reg, "companion_server_auth_key_pub"), noise.0);
    conn.reply(
        &hello,
        vec![Node::new("link_code_companion_reg")
            .child(Node::new("link_code_pairing_ref").bytes(b"LREF".to_vec()))],
    )
    .await;
    let code = bounded(pairing).await.unwrap().expect("a pairing code");
    assert_eq!(code.len(), 9);
    assert_eq!(&code[4..5], "-");

    // The phone: the user typed the code.
    let typed = PairingCode::parse(&code).unwrap();
    let phone_identity = KeyPair::generate(&mut OsRng);
    let (primary, wrapped_primary) = PrimaryCodePairing::accept(
        &mut OsRng,
        &typed,
        &bytes(reg, "link_code_pairing_wrapped_companion_ephemeral_pub"),
    )
    .unwrap();
    conn.send(
        &Node::new("notification")
            .attr("from", server_jid())
            .attr("type", "link_code_companion_reg")
            .attr("id", "n-2")
            .child(
                Node::new("link_code_companion_reg").attr("stage", "primary_hello").children([
                    Node::new("link_code_pairing_ref").bytes(b"LREF".to_vec()),
                    Node::new("link_code_pairing_wrapped_primary_ephemeral_pub")
                        .bytes(wrapped_primary.to_vec()),
                    Node::new("primary_identity_pub").bytes(phone_identity.public.0.to_vec()),
                ]),
            ),
    )
    .await;
    let ack = conn.recv().await;
    assert_eq!(ack.attr_str("class"), Some("notification"));
    let finish = conn.recv().await;
    let reg = finish.child_by_tag("link_code_companion_reg").unwrap();
    assert_eq!(reg.attr_str("stage"), Some("companion_finish"));
    assert_eq!(bytes(reg, "link_code_pairing_ref"), b"LREF");
    let done = primary
        .finish(
            &phone_identity,
            &bytes(reg, "link_code_pairing_wrapped_key_bundle"),
            &bytes(reg, "companion_identity_public"),
        )
        .expect("the key bundle opens with the typed code");
    conn.reply(&finish, vec![]).await;
    assert_eq!(store.load_device().unwrap().unwrap().adv_secret, done.adv_secret);

    let mut login = complete_pairing(
        &mut server,
        conn,
        &mut events,
        &done.companion_identity,
        &done.adv_secret,
    )
    .await;
    login.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    client.disconnect().await;
}

#[tokio::test]
async fn a_bad_pair_success_is_refused_with_an_error_event() {
    let mut server = FakeServer::start().await;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config(&server));
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let mut conn = server.accept().await;
    let identity = conn.payload.device_pairing_data.clone().unwrap().e_ident.unwrap();
    let identity = wazap::crypto::PublicKey::from_bytes(&identity).unwrap();
    // Signed with an adv secret that is not ours: the HMAC cannot match.
    let forged =
        issue_device_identity(&KeyPair::generate(&mut OsRng), &identity, &[9; 32], &grant());
    conn.send(&pair_success(forged)).await;
    let reply = conn.recv().await;
    assert_eq!(reply.attr_str("type"), Some("error"));
    let error = reply.child_by_tag("error").unwrap();
    assert_eq!(
        (error.attr_str("code"), error.attr_str("text")),
        (Some("401"), Some("hmac-mismatch"))
    );
    let event = wait_for(&mut events, |e| matches!(e, Event::PairError { .. })).await;
    assert!(matches!(event, Event::PairError { reason } if reason.contains("HMAC")));
    assert!(client.jid().is_none());
    client.disconnect().await;
}

#[tokio::test]
async fn malformed_and_unknown_stanzas_neither_crash_nor_wedge() {
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, _) = logged_in(&mut server).await;
    conn.send_raw(&[0x00, 0xff, 0xff, 0xff]).await; // not a node
    conn.send_raw(&[0x02, 1, 2, 3]).await; // "compressed" garbage
    conn.send(&Node::new("mystery").attr("id", "x")).await;
    conn.send(&Node::new("iq").attr("type", "result").attr("id", "nobody-asked")).await;
    conn.send(&Node::new("notification").attr("type", "encrypt")).await; // no id: cannot ack
    conn.send(
        &Node::new("receipt").attr("id", "r-1").attr("from", Jid::pn("123")).attr("type", "read"),
    )
    .await;
    let ack = conn.recv().await;
    assert_eq!(
        (ack.attr_str("class"), ack.attr_str("id"), ack.attr_str("type")),
        (Some("receipt"), Some("r-1"), Some("read"))
    );
    conn.send(
        &Node::new("message").attr("id", "m-1").attr("from", Jid::pn("123")).attr("type", "text"),
    )
    .await;
    let ack = conn.recv().await;
    assert_eq!((ack.attr_str("class"), ack.attr_str("id")), (Some("message"), Some("m-1")));
    assert!(ack.get_attr("type").is_none());
    // The server's own ping is answered.
    conn.send(
        &Node::new("iq")
            .attr("id", "sp")
            .attr("type", "get")
            .attr("xmlns", "urn:xmpp:ping")
            .attr("from", server_jid()),
    )
    .await;
    let pong = conn.recv().await;
    assert_eq!((pong.attr_str("id"), pong.attr_str("type")), (Some("sp"), Some("result")));
    assert!(client.is_connected());
    client.disconnect().await;
}

#[tokio::test]
async fn iq_requests_time_out_and_fail_on_disconnect() {
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, _) = logged_in(&mut server).await;
    let q = || Node::new("iq").attr("xmlns", "test").attr("type", "get").attr("to", server_jid());
    let err = bounded(client.send_iq(q(), Some(Duration::from_millis(100)))).await.unwrap_err();
    assert!(matches!(err, ClientError::IqTimeout), "{err:?}");
    assert_eq!(client.pending_requests(), 0);
    conn.recv().await;
    // An error answer is reported with its code.
    let pending = tokio::spawn({
        let client = client.clone();
        async move { client.send_iq(q(), None).await }
    });
    let iq = conn.recv().await;
    let id = iq.attr_str("id").unwrap().to_owned();
    conn.send(
        &Node::new("iq")
            .attr("id", id)
            .attr("type", "error")
            .child(Node::new("error").attr("code", "404").attr("text", "item-not-found")),
    )
    .await;
    let err = bounded(pending).await.unwrap().unwrap_err();
    assert!(
        matches!(err, ClientError::ServerError { code: 404, ref text } if text == "item-not-found"),
        "{err:?}"
    );
    // A request pending when the client disconnects fails at once.
    let pending = tokio::spawn({
        let client = client.clone();
        async move { client.send_iq(q(), None).await }
    });
    conn.recv().await;
    client.disconnect().await;
    assert!(matches!(bounded(pending).await.unwrap(), Err(ClientError::Disconnected)));
    assert!(matches!(client.send_iq(q(), None).await, Err(ClientError::NotConnected)));
}

#[tokio::test]
async fn unanswered_keepalives_force_a_reconnect() {
    let mut server = FakeServer::start().await;
    let mut cfg = config(&server);
    cfg.keepalive.interval_min = Duration::from_millis(50);
    cfg.keepalive.interval_max = Duration::from_millis(80);
    cfg.keepalive.response_timeout = Duration::from_millis(100);
    cfg.keepalive.max_fail_time = Duration::from_millis(250);
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store, cfg);
    let mut events = client.events();
    let mut conn = pair_by_qr(&mut server, &client, &mut events).await;
    conn.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    // Read the pings without answering them.
    let mut pings = 0;
    while let Ok(node) = conn.recv_any().await {
        assert_eq!(node.attr_str("xmlns"), Some("w:p"));
        assert!(node.child_by_tag("ping").is_some());
        pings += 1;
    }
    assert!(pings >= 2, "{pings}");
    let reason = wait_for(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
    assert_eq!(reason, Event::Disconnected { reason: "keepalive timed out".into() });
    let mut again = server.accept().await;
    again.login(100).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    client.disconnect().await;
}

#[tokio::test]
async fn logout_unlinks_and_wipes() {
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, store) = logged_in(&mut server).await;
    let logout = tokio::spawn({
        let client = client.clone();
        async move { client.logout().await }
    });
    let iq = conn.recv().await;
    assert_eq!(iq.attr_str("xmlns"), Some("md"));
    let remove = iq.child_by_tag("remove-companion-device").unwrap();
    assert_eq!(remove.get_attr("jid").unwrap().to_string(), device_jid().to_string());
    assert_eq!(remove.attr_str("reason"), Some("user_initiated"));
    conn.reply(&iq, vec![]).await;
    bounded(logout).await.unwrap().unwrap();
    assert!(store.load_device().unwrap().is_none());
    conn.closed().await;
    assert!(!client.is_connected());
}

#[tokio::test]
async fn disconnect_keeps_the_pairing_and_connect_twice_is_refused() {
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, store) = logged_in(&mut server).await;
    assert!(matches!(client.connect().await, Err(ClientError::AlreadyConnected)));
    client.disconnect().await;
    conn.closed().await;
    assert!(store.load_device().unwrap().unwrap().is_paired());
    assert!(server.accept_within(Duration::from_millis(200)).await.is_none(), "no reconnect");
}

#[tokio::test]
async fn dropping_the_last_handle_closes_the_connection_and_ends_events() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn, _) = logged_in(&mut server).await;
    let clone = client.clone();
    drop(client);
    assert!(clone.is_connected(), "a clone keeps the client alive");
    drop(clone);
    conn.closed().await;
    bounded(async { while events.recv().await.is_some() {} }).await;
    assert!(server.accept_within(Duration::from_millis(200)).await.is_none(), "no reconnect");
}

#[tokio::test]
async fn disconnect_interrupts_a_hanging_reconnect() {
    let mut server = FakeServer::start().await;
    let (client, mut events, conn, _) = logged_in(&mut server).await;
    server.stall(true);
    conn.close().await;
    wait_for(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
    // The reconnect now hangs in the websocket upgrade (20 s connect timeout); disconnect must
    // not wait for it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    tokio::time::timeout(Duration::from_secs(2), client.disconnect())
        .await
        .expect("disconnect returns at once");
    assert!(!client.is_connected());
}

#[tokio::test]
async fn random_frames_and_odd_stanzas_do_not_wedge_the_client() {
    use rand::{Rng, SeedableRng};
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, store) = logged_in(&mut server).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    for _ in 0..300 {
        let len = rng.gen_range(0..64);
        let mut frame: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if let Some(flags) = frame.first_mut() {
            *flags &= 0x02; // plain or "compressed"
        }
        conn.send_raw(&frame).await;
    }
    let odd = [
        Node::new("iq")
            .attr("type", "set")
            .attr("from", server_jid())
            .child(Node::new("pair-device")),
        Node::new("iq")
            .attr("type", "set")
            .attr("id", "x1")
            .attr("from", server_jid())
            .child(Node::new("pair-success")),
        Node::new("iq").attr("type", "set").attr("id", "x2").attr("from", server_jid()).child(
            Node::new("pair-success").child(Node::new("device-identity").bytes(vec![1, 2, 3])),
        ),
        Node::new("notification")
            .attr("id", "x3")
            .attr("type", "link_code_companion_reg")
            .attr("from", server_jid())
            .child(Node::new("link_code_companion_reg")),
        Node::new("notification")
            .attr("id", "x4")
            .attr("type", "encrypt")
            .child(Node::new("count").attr("value", "many")),
        Node::new("ib").child(Node::new("dirty")),
        Node::new("ib").child(Node::new("offline").attr("count", "-1")),
        Node::new("success").attr("t", "soon").attr("lid", "not a jid@@"),
        Node::new("iq").attr("type", "error").attr("id", "nobody"),
        Node::new("ack").attr("id", "nobody"),
    ];
    for node in &odd {
        conn.send(node).await;
    }
    // The client is still there and answering, and still paired.
    let probe = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .send_iq(
                    Node::new("iq")
                        .attr("xmlns", "test")
                        .attr("type", "get")
                        .attr("to", server_jid()),
                    None,
                )
                .await
        }
    });
    loop {
        let node = conn.recv().await;
        if node.attr_str("xmlns") == Some("test") {
            conn.reply(&node, vec![]).await;
            break;
        }
        // Acks of the odd notifications, and the post-login iqs of the odd success.
        if node.tag == "iq" && node.attr_str("type") != Some("result") {
            conn.reply(&node, vec![Node::new("count").attr("value", "100")]).await;
        }
    }
    bounded(probe).await.unwrap().expect("the client still answers");
    assert!(client.is_connected());
    assert!(store.load_device().unwrap().unwrap().is_paired());
    client.disconnect().await;
}
