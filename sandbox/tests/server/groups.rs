//! Groups (`w:g2`): create, list, info, subject, lock, promote, invite/join, announce, leave,
//! the `w:gp2` notifications members get, group message fan-out, and `POST /control/groups`.
use crate::common;

use common::*;
use wazap::binary::{Jid, Node};

async fn g2(conn: &mut TestConn, kind: &'static str, to: Jid, child: Node) -> Node {
    conn.iq_to("w:g2", kind, to, vec![child]).await
}

async fn gp2(conn: &mut TestConn) -> Node {
    loop {
        let n = conn.recv_tag("notification").await;
        if n.attr_str("type") == Some("w:gp2") {
            return n;
        }
    }
}

#[tokio::test]
async fn group_lifecycle_and_messages() {
    let sandbox = start().await;
    for (phone, name) in [
        ("15551000001", "Ann"),
        ("15551000002", "Ben"),
        ("15551000003", "Cat"),
        ("15551000004", "Dov"),
    ] {
        create_account(&sandbox, phone, name).await;
    }
    let ann = pair_new_device(&sandbox, "15551000001").await;
    let ben = pair_new_device(&sandbox, "15551000002").await;
    let dov = pair_new_device(&sandbox, "15551000004").await;
    let (mut a, _) = login(&sandbox, &ann).await;
    let (mut b, _) = login(&sandbox, &ben).await;
    let (mut d, _) = login(&sandbox, &dov).await;
    let gus = Jid::server_only(wazap::binary::Server::Group);

    let create = Node::new("create")
        .attr("subject", "Team")
        .child(Node::new("participant").attr("jid", Jid::pn("15551000002")))
        .child(Node::new("participant").attr("jid", Jid::pn("15551000003")));
    let reply = g2(&mut a, "set", gus.clone(), create).await;
    let group = reply.child_by_tag("group").expect("group").clone();
    let group_jid = Jid::group(group.req_str("id").unwrap().to_owned());
    assert_eq!(group.attr_str("subject"), Some("Team"));
    assert_eq!(group.children_by_tag("participant").count(), 3);
    let creator =
        group.children_by_tag("participant").find(|p| p.attr_str("type") == Some("superadmin"));
    assert_eq!(creator.unwrap().req_jid("jid").unwrap(), Jid::pn("15551000001"));

    let created = gp2(&mut b).await;
    assert_eq!(created.req_jid("from").unwrap(), group_jid);
    assert!(created.child_by_path(&["create", "group"]).is_some());

    let list =
        g2(&mut b, "get", gus.clone(), Node::new("participating").child(Node::new("participants")))
            .await;
    assert_eq!(list.child_by_tag("groups").map(|g| g.children_by_tag("group").count()), Some(1));
    let info =
        g2(&mut d, "get", group_jid.clone(), Node::new("query").attr("request", "interactive"))
            .await;
    assert_eq!(iq_error_code(&info), Some(403), "non-members may not read the group");

    // Members may rename an unlocked group; a locked one only admins.
    let reply = g2(&mut b, "set", group_jid.clone(), Node::new("subject").text("Team 2")).await;
    assert_eq!(reply.attr_str("type"), Some("result"), "{reply}");
    let renamed = gp2(&mut a).await;
    assert_eq!(renamed.child_by_tag("subject").and_then(|s| s.attr_str("subject")), Some("Team 2"));
    g2(&mut a, "set", group_jid.clone(), Node::new("locked")).await;
    let reply = g2(&mut b, "set", group_jid.clone(), Node::new("subject").text("Team 3")).await;
    assert_eq!(iq_error_code(&reply), Some(403));
    let promote =
        Node::new("promote").child(Node::new("participant").attr("jid", Jid::pn("15551000002")));
    let reply = g2(&mut a, "set", group_jid.clone(), promote).await;
    assert_eq!(
        reply.child_by_path(&["promote", "participant"]).and_then(|p| p.attr_str("error")),
        None
    );

    // Invite link: Dov joins with the code.
    let invite = g2(&mut a, "get", group_jid.clone(), Node::new("invite")).await;
    let code = invite.child_by_tag("invite").and_then(|i| i.attr_str("code")).unwrap().to_owned();
    let joined =
        g2(&mut d, "set", gus.clone(), Node::new("invite").attr("code", code.clone())).await;
    assert_eq!(joined.child_by_tag("group").unwrap().req_jid("jid").unwrap(), group_jid);
    let info = g2(&mut d, "get", group_jid.clone(), Node::new("query")).await;
    assert_eq!(
        info.child_by_tag("group").map(|g| g.children_by_tag("participant").count()),
        Some(4)
    );

    // A group message: the shared skmsg for every member device, plus each device's own enc.
    let skdm = |m: u8| Node::new("enc").attr("v", "2").attr("type", "pkmsg").bytes(vec![m; 8]);
    let message = Node::new("message")
        .attr("id", "GM1")
        .attr("type", "text")
        .attr("to", group_jid.clone())
        .child(Node::new("participants").children([
            Node::new("to").attr("jid", Jid::pn("15551000002").with_device(1)).child(skdm(2)),
            Node::new("to").attr("jid", Jid::pn("15551000004").with_device(1)).child(skdm(4)),
        ]))
        .child(Node::new("enc").attr("v", "2").attr("type", "skmsg").bytes(vec![9; 8]));
    a.send(&message).await;
    let ack = a.recv_tag("ack").await;
    assert_eq!(ack.attr_str("id"), Some("GM1"));
    assert_eq!(ack.attr_str("error"), None);
    for (conn, mine) in [(&mut b, 2u8), (&mut d, 4u8)] {
        let got = conn.recv_tag("message").await;
        assert_eq!(got.req_jid("from").unwrap(), group_jid);
        assert_eq!(got.req_jid("participant").unwrap(), Jid::pn("15551000001").with_device(1));
        let types: Vec<&str> =
            got.children_by_tag("enc").filter_map(|e| e.attr_str("type")).collect();
        assert_eq!(types, ["pkmsg", "skmsg"]);
        assert_eq!(got.child_by_tag("enc").and_then(Node::content_bytes), Some(&[mine; 8][..]));
    }

    // Announcement mode: only admins send.
    g2(&mut a, "set", group_jid.clone(), Node::new("announcement")).await;
    let plain = Node::new("message")
        .attr("id", "GM2")
        .attr("type", "text")
        .attr("to", group_jid.clone())
        .child(Node::new("enc").attr("v", "2").attr("type", "skmsg").bytes(vec![1; 8]));
    d.send(&plain).await;
    let ack = d.recv_tag("ack").await;
    assert_eq!(ack.attr_str("error"), Some("403"));

    // A group picture: members hear about it.
    let set_picture = Node::new("iq")
        .attr("id", "gp")
        .attr("xmlns", "w:profile:picture")
        .attr("type", "set")
        .attr("to", Jid::server_only(wazap::binary::Server::Pn))
        .attr("target", group_jid.clone())
        .child(Node::new("picture").attr("type", "image").bytes(b"jpeg".to_vec()));
    a.send(&set_picture).await;
    let changed = loop {
        let n = b.recv_tag("notification").await;
        if n.attr_str("type") == Some("picture") {
            break n;
        }
    };
    assert_eq!(changed.child_by_tag("set").unwrap().req_jid("jid").unwrap(), group_jid);

    // Ben leaves; Ann hears about it.
    let leave = Node::new("leave").child(Node::new("group").attr("id", group_jid.clone()));
    g2(&mut b, "set", gus.clone(), leave).await;
    loop {
        let n = gp2(&mut a).await;
        if let Some(removed) = n.child_by_path(&["remove", "participant"]) {
            assert_eq!(removed.req_jid("jid").unwrap(), Jid::pn("15551000002"));
            // With the member's LID, as clients read LID pairs from it.
            assert!(removed.req_jid("lid").unwrap().is_lid(), "{removed}");
            break;
        }
    }
}

#[tokio::test]
async fn control_creates_groups() {
    let sandbox = start().await;
    create_account(&sandbox, "15552000001", "Eva").await;
    create_account(&sandbox, "15552000002", "Fin").await;
    let fin = pair_new_device(&sandbox, "15552000002").await;
    let (mut f, _) = login(&sandbox, &fin).await;
    let body = serde_json::json!({ "creator": "15552000001", "subject": "Demo", "participants": ["15552000002"] });
    let (status, created) =
        http(&sandbox, "POST", "/control/groups", Some(&body.to_string())).await;
    assert_eq!(status, 201, "{created}");
    let jid: Jid = created["jid"].as_str().unwrap().parse().unwrap();
    assert!(jid.is_group());
    let notification = gp2(&mut f).await;
    assert_eq!(notification.req_jid("from").unwrap(), jid);
    assert_eq!(notification.req_jid("participant").unwrap(), Jid::pn("15552000001"));

    let bad = serde_json::json!({ "creator": "15552000001", "subject": "X", "participants": ["15559999999"] });
    let (status, body) = http(&sandbox, "POST", "/control/groups", Some(&bad.to_string())).await;
    assert_eq!(status, 404, "{body}");
    let empty = serde_json::json!({ "creator": "15552000001", "subject": " " });
    let (status, body) = http(&sandbox, "POST", "/control/groups", Some(&empty.to_string())).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].is_string());
}
