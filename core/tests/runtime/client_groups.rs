//! Groups and users against the scripted server: `w:gp2` notifications are acked and turned
//! into events (a malformed one into none); malformed answers are typed errors; a 404 picture
//! is no picture.
use crate::client_fake::logged_in;
use crate::fake_server;

use fake_server::{bounded, server_jid, wait_for, FakeServer, ServerConn};
use wazap::binary::{Jid, Node, NodeError};
use wazap::group::GroupError;
use wazap::user::UserError;
use wazap::{ClientError, Event};

/// The next iq with `xmlns` from the client (other stanzas, e.g. presence, are skipped).
async fn next_iq(conn: &mut ServerConn, xmlns: &str) -> Node {
    loop {
        let node = conn.recv().await;
        if node.tag == "iq" && node.attr_str("xmlns") == Some(xmlns) {
            return node;
        }
    }
}

/// The next ack from the client (other stanzas are skipped).
async fn next_ack(conn: &mut ServerConn) -> Node {
    loop {
        let node = conn.recv().await;
        if node.tag == "ack" {
            return node;
        }
    }
}

fn gp2(id: &str, from: Jid, child: Node) -> Node {
    Node::new("notification")
        .attr("id", id.to_owned())
        .attr("type", "w:gp2")
        .attr("from", from)
        .attr("participant", Jid::pn("111"))
        .attr("t", "1700000000")
        .child(child)
}

#[tokio::test]
async fn group_notifications_are_acked_and_only_wellformed_ones_become_events() {
    let mut server = FakeServer::start().await;
    let (client, mut events, mut conn, _) = logged_in(&mut server).await;
    let group = Jid::group("123-456");

    // From a user instead of a group: acked (so the server stops resending), no event.
    conn.send(&gp2("g-1", Jid::pn("111"), Node::new("locked"))).await;
    let ack = next_ack(&mut conn).await;
    assert_eq!((ack.attr_str("class"), ack.attr_str("id")), (Some("notification"), Some("g-1")));
    assert_eq!(ack.attr_str("type"), Some("w:gp2"));

    conn.send(&gp2("g-2", group.clone(), Node::new("subject").attr("subject", "New name"))).await;
    assert_eq!(next_ack(&mut conn).await.attr_str("id"), Some("g-2"));
    let event = wait_for(&mut events, |e| matches!(e, Event::GroupInfo(_))).await;
    let Event::GroupInfo(change) = event else { unreachable!() };
    assert_eq!(change.jid, group);
    assert_eq!(change.name.map(|n| n.name).as_deref(), Some("New name"));
    assert_eq!(change.sender, Some(Jid::pn("111")));
    client.disconnect().await;
}

#[tokio::test]
async fn malformed_answers_are_typed_errors_and_a_missing_picture_is_none() {
    let mut server = FakeServer::start().await;
    let (client, _events, mut conn, _) = logged_in(&mut server).await;
    let group = Jid::group("123-456");

    let c = client.clone();
    let asked = group.clone();
    let info = tokio::spawn(async move { c.group_info(&asked).await });
    let iq = next_iq(&mut conn, "w:g2").await;
    assert_eq!(iq.get_attr("to").and_then(|v| v.as_jid()), Some(&group));
    // A `<group>` whose id is a user.
    conn.reply(&iq, vec![Node::new("group").attr("id", Jid::pn("1"))]).await;
    let result = bounded(info).await.unwrap();
    assert!(matches!(result, Err(ClientError::Group(GroupError::NotAGroup(_)))), "{result:?}");

    let c = client.clone();
    let users = tokio::spawn(async move { c.user_info(&[Jid::pn("222")]).await });
    let iq = next_iq(&mut conn, "usync").await;
    conn.reply(&iq, vec![Node::new("usync")]).await; // no <list>
    let result = bounded(users).await.unwrap();
    assert!(matches!(result, Err(ClientError::User(UserError::Malformed(_)))), "{result:?}");

    let c = client.clone();
    let picture = tokio::spawn(async move { c.profile_picture(&Jid::pn("222"), false).await });
    let iq = next_iq(&mut conn, "w:profile:picture").await;
    assert_eq!(iq.get_attr("target").and_then(|v| v.as_jid()), Some(&Jid::pn("222")));
    let id = iq.attr_str("id").unwrap().to_owned();
    conn.send(
        &Node::new("iq")
            .attr("id", id)
            .attr("type", "error")
            .attr("from", server_jid())
            .child(Node::new("error").attr("code", "404").attr("text", "item-not-found")),
    )
    .await;
    assert_eq!(bounded(picture).await.unwrap().unwrap(), None);

    let c = client.clone();
    let invite = tokio::spawn(async move { c.group_invite_link(&Jid::group("1-1"), false).await });
    let iq = next_iq(&mut conn, "w:g2").await;
    conn.reply(&iq, vec![Node::new("invite")]).await; // no code
    let result = bounded(invite).await.unwrap();
    assert!(
        matches!(
            result,
            Err(ClientError::Group(GroupError::Malformed(NodeError::MissingAttr { .. })))
        ),
        "{result:?}"
    );
    client.disconnect().await;
}
