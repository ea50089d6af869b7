//! The client against the sandbox, in-process on loopback: pairing by QR and by code, login
//! after a restart from the SQLite file, reconnecting after the server goes away, device
//! removal, replaced streams, a wrong root key and QR codes running out.
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::OsRng;
use wazap::binary::{Jid, Node, Server};
use wazap::crypto::KeyPair;
use wazap::pair::CompanionClientType;
use wazap::socket::SocketError;
use wazap::store::{DeviceStore, MemoryDeviceStore, SqliteStore};
use wazap::{Client, ClientError, Event};
use wazap_e2e::{
    bounded, config, create_account, devices, enter_code, next_qr, sandbox, scan_qr, wait_for,
};
use wazap_sandbox::{Sandbox, SandboxConfig};

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wazap-e2e-{tag}-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Connects `client` and pairs it with `phone`'s phone by scanning the first QR code; waits
/// until it is logged in.
async fn pair_by_qr(
    addr: std::net::SocketAddr,
    client: &Client,
    events: &mut wazap::client::Events,
    phone: &str,
) -> Jid {
    bounded(client.connect()).await.expect("connect");
    let qr = next_qr(events).await;
    let device_jid = scan_qr(addr, phone, &qr).await;
    let Event::PairSuccess { jid, .. } =
        wait_for(events, |e| matches!(e, Event::PairSuccess { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(jid.to_string(), device_jid);
    // Connected, and the phone's welcome (app state keys, history) received and acked.
    wazap_e2e::connected_and_welcomed(events).await;
    jid
}

fn ping() -> Node {
    Node::new("iq")
        .attr("xmlns", "w:p")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("ping"))
}

#[tokio::test]
async fn fresh_pairing_by_qr_logs_in_and_uploads_prekeys() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000001").await;
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store.clone(), config(&sandbox));
    let mut events = client.events();
    let jid = pair_by_qr(sandbox.local_addr(), &client, &mut events, "15550000001").await;
    assert_eq!(jid.user, "15550000001");
    assert!(jid.device > 0);
    assert!(client.is_logged_in());
    let device = store.load_device().unwrap().unwrap();
    assert_eq!(device.jid, Some(jid.clone()));
    assert!(device.lid.is_some(), "the LID from pair-success is kept");
    // The first batch was uploaded and accepted.
    assert_eq!(device.next_pre_key_id, 51);
    let listed = devices(&sandbox, "15550000001").await;
    let me = listed.iter().find(|d| d["device"] == jid.device).expect("the sandbox lists us");
    assert_eq!(me["connected"], true);
    assert_eq!(me["name"], "wazap e2e");
    // And the connection works for requests.
    bounded(client.send_iq(ping(), None)).await.expect("ping answered");
    client.disconnect().await;
}

#[tokio::test]
async fn fresh_pairing_by_phone_code() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000002").await;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config(&sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    next_qr(&mut events).await;
    let code = bounded(client.pair_phone(
        "+1 555 000 0002",
        true,
        CompanionClientType::Chrome,
        "Chrome (Linux)",
    ))
    .await
    .expect("a pairing code");
    assert_eq!(code.len(), 9, "{code}");
    let device_jid = enter_code(sandbox.local_addr(), "15550000002", &code).await;
    let Event::PairSuccess { jid, .. } =
        wait_for(&mut events, |e| matches!(e, Event::PairSuccess { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(jid.to_string(), device_jid);
    wait_for(&mut events, |e| *e == Event::Connected).await;
    client.disconnect().await;
}

#[tokio::test]
async fn a_new_client_on_the_same_sqlite_file_logs_in_without_qr() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000003").await;
    let dir = temp_dir("relogin");
    let path = dir.join("wazap.db");
    let jid = {
        let store = SqliteStore::open(&path).unwrap();
        let client = Client::new(Arc::new(store.account("main")), config(&sandbox));
        let mut events = client.events();
        let jid = pair_by_qr(sandbox.local_addr(), &client, &mut events, "15550000003").await;
        client.disconnect().await;
        jid
    };
    let store = SqliteStore::open(&path).unwrap();
    let client = Client::new(Arc::new(store.account("main")), config(&sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let first = wait_for(&mut events, |e| matches!(e, Event::Qr { .. } | Event::Connected)).await;
    assert_eq!(first, Event::Connected, "no QR code: the stored device logged in");
    assert_eq!(client.jid(), Some(jid));
    client.disconnect().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_client_reconnects_by_itself_when_the_server_goes_away() {
    let dir = temp_dir("restart");
    let first = Sandbox::start(SandboxConfig::ephemeral().with_data_dir(&dir)).await.unwrap();
    let addr = first.local_addr();
    create_account(&first, "15550000004").await;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config(&first));
    let mut events = client.events();
    pair_by_qr(addr, &client, &mut events, "15550000004").await;

    first.shutdown().await;
    wait_for(&mut events, |e| matches!(e, Event::Disconnected { .. })).await;
    // The server comes back on the same address with its saved state.
    let mut listen = SandboxConfig::ephemeral().with_data_dir(&dir);
    listen.listen = addr;
    let second = Sandbox::start(listen).await.expect("restart on the same port");
    wait_for(&mut events, |e| *e == Event::Connected).await;
    assert!(client.is_logged_in());
    bounded(client.send_iq(ping(), None)).await.expect("it keeps working");
    client.disconnect().await;
    second.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn device_removed_logs_out_and_deletes_the_keys() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000005").await;
    let store_a = Arc::new(MemoryDeviceStore::new());
    let a = Client::new(store_a.clone(), config(&sandbox));
    let mut events_a = a.events();
    let jid_a = pair_by_qr(sandbox.local_addr(), &a, &mut events_a, "15550000005").await;
    let b = Client::new(Arc::new(MemoryDeviceStore::new()), config(&sandbox));
    let mut events_b = b.events();
    pair_by_qr(sandbox.local_addr(), &b, &mut events_b, "15550000005").await;

    // Device B unlinks device A.
    let remove = Node::new("iq")
        .attr("xmlns", "md")
        .attr("type", "set")
        .attr("to", Jid::server_only(Server::Pn))
        .child(
            Node::new("remove-companion-device")
                .attr("jid", jid_a)
                .attr("reason", "user_initiated"),
        );
    bounded(b.send_iq(remove, None)).await.expect("removal accepted");
    let event = wait_for(&mut events_a, |e| matches!(e, Event::LoggedOut { .. })).await;
    assert_eq!(event, Event::LoggedOut { reason: "device_removed".into(), on_connect: false });
    assert!(store_a.load_device().unwrap().is_none(), "A's keys are gone");
    assert!(!a.is_connected());
    // B is unaffected.
    bounded(b.send_iq(ping(), None)).await.unwrap();
    b.disconnect().await;
}

#[tokio::test]
async fn logout_unlinks_the_device_and_wipes_it() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000006").await;
    let store = Arc::new(MemoryDeviceStore::new());
    let client = Client::new(store.clone(), config(&sandbox));
    let mut events = client.events();
    let jid = pair_by_qr(sandbox.local_addr(), &client, &mut events, "15550000006").await;
    bounded(client.logout()).await.expect("logout");
    assert!(store.load_device().unwrap().is_none());
    let listed = devices(&sandbox, "15550000006").await;
    assert!(listed.iter().all(|d| d["device"] != jid.device), "the sandbox forgot the device");
}

#[tokio::test]
async fn a_second_connection_of_the_same_device_replaces_the_first() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000007").await;
    let dir = temp_dir("replaced");
    let store = SqliteStore::open(dir.join("wazap.db")).unwrap();
    let first = Client::new(Arc::new(store.account("main")), config(&sandbox));
    let mut events = first.events();
    pair_by_qr(sandbox.local_addr(), &first, &mut events, "15550000007").await;
    let second = Client::new(Arc::new(store.account("main")), config(&sandbox));
    let mut events2 = second.events();
    bounded(second.connect()).await.unwrap();
    wait_for(&mut events2, |e| *e == Event::Connected).await;
    wait_for(&mut events, |e| *e == Event::StreamReplaced).await;
    assert!(!first.is_connected(), "no automatic reconnect after being replaced");
    assert!(store.account("main").load_device().unwrap().unwrap().is_paired());
    second.disconnect().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_wrong_root_key_refuses_the_handshake() {
    let sandbox = sandbox().await;
    let mut cfg = config(&sandbox);
    cfg.trusted_root = KeyPair::generate(&mut OsRng).public;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let err = bounded(client.connect()).await.unwrap_err();
    assert!(matches!(err, ClientError::Socket(SocketError::Cert(_))), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[tokio::test]
async fn qr_codes_run_out_into_a_timeout_event() {
    let sandbox = sandbox().await;
    let mut cfg = config(&sandbox);
    cfg.qr_first_timeout = Duration::from_millis(100);
    cfg.qr_next_timeout = Duration::from_millis(30);
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let mut events = client.events();
    bounded(client.connect()).await.unwrap();
    let mut codes = Vec::new();
    loop {
        match wait_for(&mut events, |_| true).await {
            Event::Qr { code, .. } => codes.push(code),
            Event::QrTimeout => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(codes.len(), 6, "one code per ref");
    let refs: std::collections::HashSet<_> =
        codes.iter().map(|c| wazap::pair::parse_qr(c).unwrap().reference).collect();
    assert_eq!(refs.len(), 6, "each code shows a different ref");
    assert!(!client.is_connected());
}

#[tokio::test]
async fn two_accounts_share_one_sqlite_file() {
    let sandbox = sandbox().await;
    create_account(&sandbox, "15550000008").await;
    create_account(&sandbox, "15550000009").await;
    let dir = temp_dir("two-accounts");
    let path = dir.join("wazap.db");
    let store = SqliteStore::open(&path).unwrap();
    let mut jids = Vec::new();
    for (name, phone) in [("alice", "15550000008"), ("bob", "15550000009")] {
        let client = Client::new(Arc::new(store.account(name)), config(&sandbox));
        let mut events = client.events();
        jids.push(pair_by_qr(sandbox.local_addr(), &client, &mut events, phone).await);
        client.disconnect().await;
    }
    drop(store);
    // After a restart both log in from the same file, at the same time.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.accounts().unwrap(), vec!["alice".to_owned(), "bob".to_owned()]);
    let mut clients = Vec::new();
    for (name, jid) in ["alice", "bob"].into_iter().zip(&jids) {
        let client = Client::new(Arc::new(store.account(name)), config(&sandbox));
        let mut events = client.events();
        bounded(client.connect()).await.unwrap();
        wait_for(&mut events, |e| *e == Event::Connected).await;
        assert_eq!(client.jid().as_ref(), Some(jid));
        clients.push(client);
    }
    for client in clients {
        client.disconnect().await;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_saved_edge_routing_info_is_sent_before_the_header_on_the_next_connect() {
    let sandbox = sandbox().await;
    let phone = "15550000030";
    create_account(&sandbox, phone).await;
    let dir = temp_dir("edge");
    let path = dir.join("wazap.db");
    let jid = {
        let store = SqliteStore::open(&path).unwrap();
        let client = Client::new(Arc::new(store.account("main")), config(&sandbox));
        let mut events = client.events();
        let jid = pair_by_qr(sandbox.local_addr(), &client, &mut events, phone).await;
        client.disconnect().await;
        jid
    };
    let routing = sandbox.edge_routing();
    let first = routing.issued(phone, jid.device).expect("edge_routing sent after login");
    // The login right after pairing had nothing to send back.
    assert_eq!(routing.received(phone, jid.device), vec![None]);
    // What the client saved is what the server sent (Connected comes after it was stored).
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.account("main").edge_routing_info().unwrap(), Some(first.clone()));

    // A new client on the same file (as after a process restart) sends it with `ED 00 01`.
    let client = Client::new(Arc::new(store.account("main")), config(&sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.expect("login with the routing prefix is accepted");
    wait_for(&mut events, |e| *e == Event::Connected).await;
    assert_eq!(routing.received(phone, jid.device), vec![None, Some(first.clone())]);
    // And the fresh info of this login replaced the old one.
    let second = routing.issued(phone, jid.device).unwrap();
    assert_ne!(second, first);
    assert_eq!(store.account("main").edge_routing_info().unwrap(), Some(second));
    bounded(client.send_iq(ping(), None)).await.expect("the connection works");
    client.disconnect().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn after_login_the_client_announces_its_push_name_with_an_available_presence() {
    let sandbox = sandbox().await;
    let (alice, bob) = ("15550000031", "15550000032");
    create_account(&sandbox, alice).await;
    create_account(&sandbox, bob).await;
    let mut watcher = wazap_e2e::link_companion(&sandbox, bob).await;
    let is_alice = |e: &Event, want: bool| matches!(e, Event::Presence { from, available, .. } if from.user == alice && *available == want);

    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config(&sandbox));
    let mut events = client.events();
    pair_by_qr(sandbox.local_addr(), &client, &mut events, alice).await;
    // Every stanza Alice sent before this answer has been handled by the server.
    bounded(client.send_iq(ping(), None)).await.unwrap();
    // Without a push name no presence was sent: Bob, subscribing now, sees her unavailable.
    bounded(watcher.client.subscribe_presence(Jid::pn(alice.to_owned()))).await.unwrap();
    let current = wait_for(
        &mut watcher.events,
        |e| matches!(e, Event::Presence { from, .. } if from.user == alice),
    )
    .await;
    assert!(is_alice(&current, false), "{current:?}");

    // Setting a name while logged in announces it at once.
    bounded(client.set_push_name("Alice A.")).await.unwrap();
    wait_for(&mut watcher.events, |e| is_alice(e, true)).await;

    // After a drop and a new login the client announces itself again by itself.
    client.disconnect().await;
    wait_for(&mut watcher.events, |e| is_alice(e, false)).await;
    bounded(client.connect()).await.unwrap();
    wait_for(&mut events, |e| *e == Event::Connected).await;
    wait_for(&mut watcher.events, |e| is_alice(e, true)).await;

    // The server took the name from the presence: Bob's copy of Alice's message carries it.
    bounded(client.send_text(Jid::pn(bob.to_owned()), "hello Bob")).await.expect("sent");
    let (info, _) = wazap_e2e::next_message(&mut watcher.events).await;
    assert_eq!(info.push_name.as_deref(), Some("Alice A."));
    client.disconnect().await;
    watcher.client.disconnect().await;
}
