//! `w:sync:app:state`: every collection a client asks for is answered, at the server's version,
//! with no patches or snapshot for an account without app state, in the request shapes of
//! Baileys (`version="0" return_snapshot="true"`) and whatsmeow (no `version` when it asks for a
//! snapshot). Baileys holds back every event after login until this sync succeeds.
use prost::Message;
use wazap::binary::Node;

use crate::common::{create_account, iq_error_code, login, pair_new_device, start, TestConn};

const COLLECTIONS: [&str; 5] =
    ["critical_block", "critical_unblock_low", "regular_high", "regular", "regular_low"];

fn sync(collections: Vec<Node>) -> Vec<Node> {
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

async fn logged_in() -> (wazap_sandbox::SandboxHandle, TestConn) {
    let sandbox = start().await;
    create_account(&sandbox, "15554450000", "Eve").await;
    let eve = pair_new_device(&sandbox, "15554450000").await;
    let (conn, _) = login(&sandbox, &eve).await;
    (sandbox, conn)
}

#[tokio::test]
async fn app_state_sync_answers_every_collection_empty_at_version_0() {
    let (_sandbox, mut conn) = logged_in().await;

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
    let reply = conn.iq("w:sync:app:state", "set", sync(baileys)).await;
    let want: Vec<_> = COLLECTIONS.iter().map(|n| (n.to_string(), "0".to_owned(), 0)).collect();
    assert_eq!(answered(&reply), want, "{reply}");

    // whatsmeow: one collection per iq, no version when asking for a snapshot.
    let whatsmeow = Node::new("collection").attr("name", "regular").attr("return_snapshot", "true");
    let reply = conn.iq("w:sync:app:state", "set", sync(vec![whatsmeow])).await;
    assert_eq!(answered(&reply), vec![("regular".to_owned(), "0".to_owned(), 0)]);

    // An incremental sync from a version the client has: the server's version, no patches.
    let later = Node::new("collection")
        .attr("name", "regular_low")
        .attr("version", "3")
        .attr("return_snapshot", "false");
    let reply = conn.iq("w:sync:app:state", "set", sync(vec![later])).await;
    assert_eq!(answered(&reply), vec![("regular_low".to_owned(), "0".to_owned(), 0)]);
}

#[tokio::test]
async fn app_state_sync_refuses_what_it_cannot_answer() {
    let (_sandbox, mut conn) = logged_in().await;

    let unknown = Node::new("collection").attr("name", "made_up").attr("version", "0");
    let reply = conn.iq("w:sync:app:state", "set", sync(vec![unknown])).await;
    assert_eq!(iq_error_code(&reply), Some(400), "{reply}");

    let reply = conn.iq("w:sync:app:state", "set", sync(vec![])).await;
    assert_eq!(iq_error_code(&reply), Some(400), "{reply}");

    // A client's own changes (patches) need app state the sandbox does not keep yet.
    let patch = Node::new("collection")
        .attr("name", "regular")
        .attr("version", "0")
        .attr("return_snapshot", "false")
        .child(Node::new("patch").bytes(wazap::proto::SyncdPatch::default().encode_to_vec()));
    let reply = conn.iq("w:sync:app:state", "set", sync(vec![patch])).await;
    assert_eq!(iq_error_code(&reply), Some(501), "{reply}");
    // A patch that is no SyncdPatch is a bad request.
    let garbage = Node::new("collection")
        .attr("name", "regular")
        .attr("version", "0")
        .child(Node::new("patch").bytes(vec![0xff, 0xff]));
    let reply = conn.iq("w:sync:app:state", "set", sync(vec![garbage])).await;
    assert_eq!(iq_error_code(&reply), Some(400), "{reply}");
}
