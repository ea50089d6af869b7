//! App state on the wire: empty collections for a fresh account, the phone's patches reaching
//! companions (server_sync, patches after a version, a snapshot on the media host), uploads
//! numbered by the server with a 409 for a stale version, and the control API's refusals.
use crate::common;

use common::*;
use prost::Message as _;
use wazap::appstate::iq::{fetch, parse_answer, Fetch};
use wazap::appstate::Collection;
use wazap::binary::Node;
use wazap::crypto::media::{decrypt, Expected, MediaType};
use wazap::proto;

/// The `<sync>` of a fetch iq, to send with [`TestConn::iq`].
fn sync_of(collections: &[Fetch]) -> Vec<Node> {
    fetch(collections).get_children().to_vec()
}

fn full(c: Collection) -> Fetch {
    Fetch { collection: c, version: 0, snapshot: true }
}

async fn notification_of(conn: &mut TestConn) -> (String, String) {
    let n = conn.recv_tag("notification").await;
    assert_eq!(n.attr_str("type"), Some("server_sync"), "{n}");
    let c = n.child_by_tag("collection").expect("collection");
    let ack = Node::new("ack")
        .attr("class", "notification")
        .attr("id", n.attr_str("id").unwrap().to_owned())
        .attr("type", "server_sync")
        .attr("to", n.req_jid("from").unwrap());
    conn.send(&ack).await;
    (c.attr_str("name").unwrap().to_owned(), c.attr_text("version").unwrap().into_owned())
}

#[tokio::test]
async fn the_phones_changes_reach_companions_and_uploads_are_numbered() {
    let sandbox = start().await;
    create_account(&sandbox, "15550202020", "Ann").await;
    let first = pair_new_device(&sandbox, "15550202020").await;
    let second = pair_new_device(&sandbox, "15550202020").await;
    let (mut a, _) = login(&sandbox, &first).await;
    let (mut b, _) = login(&sandbox, &second).await;

    // A fresh account: its push name in critical_block (a snapshot), every other collection at
    // version 0 with neither snapshot nor patches.
    let reply = a.iq("w:sync:app:state", "set", sync_of(&Collection::ALL.map(full))).await;
    let answers = parse_answer(&reply).unwrap();
    assert_eq!(answers.len(), 5, "{reply}");
    for x in &answers {
        assert!(x.patches.is_empty() && x.error.is_none(), "{reply}");
        if x.collection == Some(Collection::CriticalBlock) {
            assert_eq!(x.version, Some(1), "{reply}");
            assert!(x.snapshot.is_some(), "{reply}");
        } else {
            assert_eq!(x.version, Some(0), "{reply}");
            assert!(x.snapshot.is_none(), "{reply}");
        }
    }

    // The phone adds a contact: one patch, and a server_sync for each companion.
    let body = r#"{"phone":"15550202020","action":"contact","target":"15550303030","full_name":"Bo Svensson","first_name":"Bo"}"#;
    let (status, value) = http(&sandbox, "POST", "/control/app-state", Some(body)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value, serde_json::json!({"collection":"critical_unblock_low","version":1}));
    for conn in [&mut a, &mut b] {
        assert_eq!(notification_of(conn).await, ("critical_unblock_low".into(), "1".into()));
    }

    // The patches after version 0.
    let after0 = Fetch { collection: Collection::CriticalUnblockLow, version: 0, snapshot: false };
    let reply = a.iq("w:sync:app:state", "set", sync_of(&[after0])).await;
    let answer = parse_answer(&reply).unwrap().remove(0);
    assert_eq!((answer.version, answer.has_more_patches), (Some(1), false));
    assert_eq!(answer.patches.len(), 1);
    let patch = &answer.patches[0];
    assert_eq!(patch.version.as_ref().unwrap().version(), 1);
    assert_eq!(patch.mutations.len(), 1);

    // A full sync: a snapshot on the media host holding the same record.
    let reply =
        a.iq("w:sync:app:state", "set", sync_of(&[full(Collection::CriticalUnblockLow)])).await;
    let answer = parse_answer(&reply).unwrap().remove(0);
    assert!(answer.patches.is_empty());
    let reference = answer.snapshot.expect("a snapshot reference");
    let (status, _, blob) = http_raw(&sandbox, "GET", reference.direct_path(), b"").await;
    assert_eq!(status, 200);
    let key: [u8; 32] = reference.media_key().try_into().unwrap();
    let expected = Expected {
        file_enc_sha256: Some(reference.file_enc_sha256().try_into().unwrap()),
        file_sha256: Some(reference.file_sha256().try_into().unwrap()),
    };
    let plain = decrypt(&blob, &key, MediaType::AppState, expected).expect("app state media");
    let snapshot = proto::SyncdSnapshot::decode(plain.as_slice()).unwrap();
    assert_eq!(snapshot.version.unwrap().version(), 1);
    assert_eq!(snapshot.records, vec![patch.mutations[0].record.clone().unwrap()]);
    assert_eq!(snapshot.mac().len(), 32);
    assert!(!snapshot.key_id.unwrap().id().is_empty());

    // A companion's upload on a stale version: 409 with what it missed; on the current one:
    // the next version, and a server_sync for the other companion only.
    let upload = |base: u64| {
        let p = proto::SyncdPatch { snapshot_mac: Some(vec![7; 32]), ..Default::default() };
        wazap::appstate::iq::upload(Collection::CriticalUnblockLow, base, &p)
            .get_children()
            .to_vec()
    };
    let reply = a.iq("w:sync:app:state", "set", upload(0)).await;
    let answer = parse_answer(&reply).unwrap().remove(0);
    assert_eq!(answer.error, Some((409, "conflict".into())), "{reply}");
    assert_eq!(answer.patches, vec![patch.clone()]);
    let reply = a.iq("w:sync:app:state", "set", upload(1)).await;
    let answer = parse_answer(&reply).unwrap().remove(0);
    assert_eq!((answer.error, answer.version), (None, Some(2)), "{reply}");
    assert_eq!(notification_of(&mut b).await, ("critical_unblock_low".into(), "2".into()));

    // The phone's view: the contact (the companion's unreadable record is left out).
    let (status, view) = http(&sandbox, "GET", "/control/app-state?phone=15550202020", None).await;
    assert_eq!(status, 200, "{view}");
    let contacts =
        view.as_array().unwrap().iter().find(|c| c["name"] == "critical_unblock_low").unwrap();
    assert_eq!(contacts["version"], 2);
    assert_eq!(
        contacts["changes"],
        serde_json::json!([{"kind":"contact","jid":"15550303030@s.whatsapp.net","full_name":"Bo Svensson","first_name":"Bo","lid":null}])
    );

    // An unknown collection is refused on its own.
    let odd = Node::new("sync").child(Node::new("collection").attr("name", "regular_future"));
    let reply = a.iq("w:sync:app:state", "set", vec![odd]).await;
    assert_eq!(parse_answer(&reply).unwrap()[0].error, Some((400, "bad-request".into())));
}

#[tokio::test]
async fn the_control_api_refuses_what_it_cannot_do() {
    let sandbox = start().await;
    create_account(&sandbox, "15550404040", "Cy").await;
    for (body, status) in [
        (r#"{"phone":"15550404040","action":"dance","target":"1555"}"#, 400),
        (r#"{"phone":"15550404040","action":"contact","target":"15550505050"}"#, 400),
        (r#"{"phone":"15550404040","action":"mute"}"#, 400),
        (
            r#"{"phone":"15550404040","action":"pin","target":"15550505050","fault":"gremlins"}"#,
            400,
        ),
        (r#"{"phone":"15550404040","action":"pin","target":"15550505050","colour":1}"#, 400),
        (r#"{"phone":"15559999999","action":"pin","target":"15550505050"}"#, 404),
        ("not json", 400),
    ] {
        let (got, value) = http(&sandbox, "POST", "/control/app-state", Some(body)).await;
        assert_eq!(got, status, "{body}: {value}");
        assert!(value["error"].is_string(), "{value}");
    }
    let (status, _) = http(&sandbox, "GET", "/control/app-state?phone=15559999999", None).await;
    assert_eq!(status, 404);
    // Each action with its defaults; the collections they land in.
    for (body, collection) in [
        (
            r#"{"phone":"15550404040","action":"mute","target":"15550505050","until":1900000000000}"#,
            "regular_high",
        ),
        (r#"{"phone":"15550404040","action":"pin","target":"15550505050"}"#, "regular_low"),
        (r#"{"phone":"15550404040","action":"archive","target":"15550505050"}"#, "regular_low"),
        (
            r#"{"phone":"15550404040","action":"star","target":"15550505050","message_id":"ABC"}"#,
            "regular_high",
        ),
        (
            r#"{"phone":"15550404040","action":"read","target":"15550505050","read":false}"#,
            "regular_low",
        ),
        (
            r#"{"phone":"15550404040","action":"label","label_id":"3","name":"Leads","color":2}"#,
            "regular",
        ),
        (
            r#"{"phone":"15550404040","action":"label","label_id":"3","target":"15550505050"}"#,
            "regular",
        ),
    ] {
        let (status, value) = http(&sandbox, "POST", "/control/app-state", Some(body)).await;
        assert_eq!(status, 200, "{body}: {value}");
        assert_eq!(value["collection"], collection, "{body}");
    }
    let (_, view) = http(&sandbox, "GET", "/control/app-state?phone=15550404040", None).await;
    let settings = view.as_array().unwrap().iter().find(|c| c["name"] == "critical_block").unwrap();
    assert_eq!(settings["changes"], serde_json::json!([{"kind":"push_name","name":"Cy"}]));
    let all: Vec<&serde_json::Value> =
        view.as_array().unwrap().iter().flat_map(|c| c["changes"].as_array().unwrap()).collect();
    let kinds: Vec<&str> = all.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    for kind in ["mute", "archive", "star", "mark_chat_as_read", "label_edit", "label_chat"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // Archiving unpinned the chat: the live pin is false.
    let pin = all.iter().find(|c| c["kind"] == "pin").unwrap();
    assert_eq!(pin["pinned"], false);
}

const COLLECTIONS: [&str; 5] =
    ["critical_block", "critical_unblock_low", "regular_high", "regular", "regular_low"];

fn sync_iq(collections: Vec<Node>) -> Vec<Node> {
    vec![Node::new("sync").children(collections)]
}

/// The answered collections as (name, version, child count).
fn answered(reply: &Node) -> Vec<(String, String, usize)> {
    assert_eq!(reply.attr_str("type"), Some("result"), "{reply}");
    let sync = reply.child_by_tag("sync").expect("<sync> in the answer");
    sync.children_by_tag("collection")
        .map(|c| {
            (
                c.attr_str("name").expect("name").to_owned(),
                c.attr_str("version").expect("version").to_owned(),
                c.get_children().len(),
            )
        })
        .collect()
}

async fn fresh_logged_in() -> (wazap_sandbox::SandboxHandle, TestConn) {
    let sandbox = start().await;
    create_account(&sandbox, "15554450000", "Eve").await;
    let eve = pair_new_device(&sandbox, "15554450000").await;
    let (conn, _) = login(&sandbox, &eve).await;
    (sandbox, conn)
}

/// A fresh account (no app state), in both clients' request shapes: every collection answered,
/// at version 0, with nothing in it (Baileys holds back its events until this sync succeeds).
#[tokio::test]
async fn a_fresh_account_answers_every_collection_at_version_0() {
    let (_sandbox, mut conn) = fresh_logged_in().await;

    // Baileys' initial resync: all five at once, version 0, snapshot wanted.
    let baileys = COLLECTIONS
        .iter()
        .map(|name| {
            Node::new("collection")
                .attr("name", *name)
                .attr("version", "0")
                .attr("return_snapshot", "true")
        })
        .collect();
    let reply = conn.iq("w:sync:app:state", "set", sync_iq(baileys)).await;
    // critical_block holds the account's push name (main's app state); the rest are empty.
    let got = answered(&reply);
    let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, COLLECTIONS, "{reply}");
    for (name, version, children) in &got[1..] {
        assert_eq!((version.as_str(), *children), ("0", 0), "{name}: {reply}");
    }

    // whatsmeow: one collection per iq, no version when asking for a snapshot.
    let whatsmeow = Node::new("collection").attr("name", "regular").attr("return_snapshot", "true");
    let reply = conn.iq("w:sync:app:state", "set", sync_iq(vec![whatsmeow])).await;
    assert_eq!(answered(&reply), vec![("regular".to_owned(), "0".to_owned(), 0)]);

    // An incremental sync from a version the client has: the server's version, no patches.
    let later = Node::new("collection")
        .attr("name", "regular_low")
        .attr("version", "3")
        .attr("return_snapshot", "false");
    let reply = conn.iq("w:sync:app:state", "set", sync_iq(vec![later])).await;
    assert_eq!(answered(&reply), vec![("regular_low".to_owned(), "0".to_owned(), 0)]);
}
