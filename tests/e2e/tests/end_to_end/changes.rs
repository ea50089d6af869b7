//! Edits, revokes and polls between a client, another account's companion and that account's
//! simulated phone: each side changes what it said and the others see the change, tied to the
//! original message's id; votes open on every side that knows the poll, and the client counts
//! them.
use serde_json::{json, Value};
use wazap::api::{EditMessage, PollResultsRequest, RevokeMessage, SendPoll, VotePoll};
use wazap::binary::Jid;
use wazap::types::{MessageContent, MessageInfo, MessageKind};
use wazap::Event;
use wazap_e2e::{create_account, http, link_companion, wait_for, wait_for_inbox, Companion};

async fn control(sandbox: &wazap_sandbox::SandboxHandle, path: &str, body: Value) -> String {
    let (status, value) = http(sandbox.local_addr(), "POST", path, Some(&body)).await;
    assert_eq!(status, 200, "{path}: {value}");
    value["id"].as_str().expect("id").to_owned()
}

/// The next message of `kind` on `c`.
async fn next_of(c: &mut Companion, kind: MessageKind) -> (MessageInfo, MessageContent) {
    match wait_for(
        &mut c.events,
        |e| matches!(e, Event::Message { message, .. } if message.kind() == kind),
    )
    .await
    {
        Event::Message { info, message } => (*info, *message),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn edits_and_revokes_reach_the_other_side_tied_to_the_original() {
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550030001", "15550030002");
    create_account(&sandbox, alice).await;
    create_account(&sandbox, bob).await;
    let mut a = link_companion(&sandbox, alice).await;
    let mut b = link_companion(&sandbox, bob).await;
    let (alice_jid, bob_jid) = (Jid::pn(alice.to_owned()), Jid::pn(bob.to_owned()));

    // The client edits, then deletes, its message: bob's companion and phone see both.
    let sent = a.client.send_text(bob_jid.clone(), "helo").await.expect("send");
    next_of(&mut b, MessageKind::Text).await;
    let edit = EditMessage::text(bob_jid.clone(), sent.id.clone(), "hello");
    a.client.call(edit).await.expect("edit");
    let (info, content) = next_of(&mut b, MessageKind::Edit).await;
    assert_eq!(info.edit.as_deref(), Some("1"));
    let edit = content.edit().expect("an edit");
    assert_eq!((edit.target.id.as_str(), edit.text.as_deref()), (sent.id.as_str(), Some("hello")));
    assert!(edit.target.from_me);
    let entry = wait_for_inbox(&sandbox, bob, |e| e["kind"] == "edit").await;
    assert_eq!((&entry["target"], &entry["text"]), (&json!(sent.id), &json!("hello")));

    let revoke = RevokeMessage { chat: bob_jid.clone(), id: sent.id.clone(), sender: None };
    a.client.call(revoke).await.expect("revoke");
    let (info, content) = next_of(&mut b, MessageKind::Revoke).await;
    assert_eq!(info.edit.as_deref(), Some("7"));
    assert_eq!(content.revoke().expect("a revoke").id, sent.id);
    let entry = wait_for_inbox(&sandbox, bob, |e| e["kind"] == "revoke").await;
    assert_eq!(entry["target"], json!(sent.id));

    // Bob's phone edits and deletes its own message: the client sees both.
    let body = json!({ "from": bob, "to": alice, "text": "see you at 8" });
    let said = control(&sandbox, "/control/send", body).await;
    let (info, _) = next_of(&mut a, MessageKind::Text).await;
    assert_eq!(info.id, said);
    let body = json!({ "from": bob, "to": alice, "id": said, "text": "see you at 9" });
    control(&sandbox, "/control/edit", body).await;
    let (info, content) = next_of(&mut a, MessageKind::Edit).await;
    assert_eq!(info.chat, bob_jid);
    let edit = content.edit().expect("an edit");
    assert_eq!(
        (edit.target.id.as_str(), edit.text.as_deref()),
        (said.as_str(), Some("see you at 9"))
    );
    let body = json!({ "from": bob, "to": alice, "id": said });
    control(&sandbox, "/control/revoke", body).await;
    let (_, content) = next_of(&mut a, MessageKind::Revoke).await;
    assert_eq!(content.revoke().expect("a revoke").id, said);

    // Another's message outside a group cannot be revoked.
    let revoke = RevokeMessage { chat: bob_jid.clone(), id: said, sender: Some(bob_jid) };
    let err = a.client.call(revoke).await.expect_err("refused");
    assert_eq!(err.kind(), wazap::api::ErrorKind::InvalidArgument);
    let _ = alice_jid;
}

#[tokio::test]
async fn a_group_admin_deletes_a_members_message_for_everyone() {
    let sandbox = wazap_e2e::sandbox().await;
    let (admin, member) = ("15550031001", "15550031002");
    create_account(&sandbox, admin).await;
    create_account(&sandbox, member).await;
    let mut m = link_companion(&sandbox, member).await;
    let mut a = link_companion(&sandbox, admin).await;
    let body = json!({ "creator": admin, "subject": "Club", "participants": [member] });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
    let group: Jid = value["jid"].as_str().unwrap().parse().unwrap();

    let sent = m.client.send_text(group.clone(), "off topic").await.expect("send");
    next_of(&mut a, MessageKind::Text).await;
    // The admin's companion deletes the member's message.
    let member_jid = Jid::pn(member.to_owned());
    let revoke = RevokeMessage {
        chat: group.clone(),
        id: sent.id.clone(),
        sender: Some(member_jid.clone()),
    };
    a.client.call(revoke).await.expect("admin revoke");
    let (info, content) = next_of(&mut m, MessageKind::Revoke).await;
    assert_eq!((info.chat.clone(), info.edit.as_deref()), (group.clone(), Some("8")));
    let target = content.revoke().expect("a revoke");
    assert_eq!(target.id, sent.id);
    assert!(!target.from_me);
    assert_eq!(target.participant.as_deref(), Some(&member_jid.to_string()[..]));
    // The member's own edit in the group reaches the admin's phone.
    let edit = EditMessage::text(group.clone(), sent.id.clone(), "on topic");
    m.client.call(edit).await.expect("edit");
    let entry = wait_for_inbox(&sandbox, admin, |e| e["kind"] == "edit").await;
    assert_eq!((&entry["target"], &entry["chat"]), (&json!(sent.id), &json!(group.to_string())));
}

fn voters(results: &wazap::client::PollResults, option: &str) -> Vec<String> {
    let option = results.options.iter().find(|o| o.name == option).expect("the option");
    let mut voters: Vec<String> = option.voters.iter().map(|v| v.user.clone()).collect();
    voters.sort();
    voters
}

#[tokio::test]
async fn poll_votes_open_on_every_side_and_are_counted() {
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550032001", "15550032002");
    create_account(&sandbox, alice).await;
    create_account(&sandbox, bob).await;
    let mut a = link_companion(&sandbox, alice).await;
    let mut b = link_companion(&sandbox, bob).await;
    let bob_jid = Jid::pn(bob.to_owned());
    let options: Vec<String> = ["Pizza", "Sushi", "Salad"].map(String::from).to_vec();

    // A multiple-choice poll from the client.
    let poll = SendPoll {
        to: bob_jid.clone(),
        name: "Lunch?".into(),
        options: options.clone(),
        selectable: 2,
        id: None,
    };
    let poll_id = a.client.call(poll).await.expect("send poll").id;
    let (info, content) = next_of(&mut b, MessageKind::Poll).await;
    assert_eq!(info.id, poll_id);
    let seen = content.poll().expect("a poll");
    assert_eq!((seen.name.as_str(), &seen.options, seen.selectable), ("Lunch?", &options, 2));
    let entry = wait_for_inbox(&sandbox, bob, |e| e["kind"] == "poll").await;
    assert_eq!(entry["options"], json!(options));

    // Bob's phone votes: the client and bob's companion open it.
    let body = json!({ "from": bob, "poll_id": poll_id, "options": ["Pizza", "Salad"] });
    control(&sandbox, "/control/vote", body).await;
    for c in [&mut a, &mut b] {
        let (_, content) = next_of(c, MessageKind::PollVote).await;
        let vote = content.poll_vote().expect("a vote");
        assert_eq!(vote.poll.id, poll_id);
        assert_eq!(vote.selected, Some(vec!["Pizza".to_owned(), "Salad".to_owned()]));
    }
    let results = a.client.call(PollResultsRequest { poll_id: poll_id.clone() }).await.unwrap();
    assert_eq!(
        (voters(&results, "Pizza"), voters(&results, "Sushi")),
        (vec![bob.to_owned()], vec![])
    );
    assert_eq!(voters(&results, "Salad"), vec![bob.to_owned()]);

    // Bob changes his vote from his companion: his phone opens it, the client's count follows.
    let vote = VotePoll { poll_id: poll_id.clone(), options: vec!["Sushi".into()] };
    b.client.call(vote).await.expect("vote");
    let entry = wait_for_inbox(&sandbox, bob, |e| {
        e["kind"] == "poll_vote" && e["options"] == json!(["Sushi"])
    })
    .await;
    assert_eq!(entry["target"], json!(poll_id));
    let (_, content) = next_of(&mut a, MessageKind::PollVote).await;
    assert_eq!(content.poll_vote().unwrap().selected, Some(vec!["Sushi".to_owned()]));
    // The client votes in its own poll; bob's phone opens it.
    let vote = VotePoll { poll_id: poll_id.clone(), options: vec!["Pizza".into(), "Sushi".into()] };
    a.client.call(vote).await.expect("own vote");
    let entry = wait_for_inbox(&sandbox, bob, |e| {
        e["kind"] == "poll_vote" && e["sender"].as_str().is_some_and(|s| s.starts_with(alice))
    })
    .await;
    assert_eq!(entry["options"], json!(["Pizza", "Sushi"]));
    let results = a.client.call(PollResultsRequest { poll_id: poll_id.clone() }).await.unwrap();
    assert_eq!(voters(&results, "Pizza"), vec![alice.to_owned()]);
    assert_eq!(voters(&results, "Sushi"), vec![alice.to_owned(), bob.to_owned()]);
    assert!(voters(&results, "Salad").is_empty());

    // A single-choice poll from bob's phone: one choice only.
    let body =
        json!({ "from": bob, "to": alice, "name": "Tea or coffee?", "options": ["Tea", "Coffee"] });
    let single = control(&sandbox, "/control/poll", body).await;
    let (_, content) = next_of(&mut a, MessageKind::Poll).await;
    assert_eq!(content.poll().unwrap().selectable, 1);
    let both = VotePoll { poll_id: single.clone(), options: vec!["Tea".into(), "Coffee".into()] };
    let err = a.client.call(both).await.expect_err("one choice only");
    assert_eq!(err.kind(), wazap::api::ErrorKind::InvalidArgument);
    let unknown = VotePoll { poll_id: "3EB0NOPE".into(), options: vec![] };
    assert_eq!(
        a.client.call(unknown).await.unwrap_err().kind(),
        wazap::api::ErrorKind::InvalidArgument
    );
    a.client
        .call(VotePoll { poll_id: single.clone(), options: vec!["Coffee".into()] })
        .await
        .unwrap();
    let entry =
        wait_for_inbox(&sandbox, bob, |e| e["kind"] == "poll_vote" && e["target"] == json!(single))
            .await;
    assert_eq!(entry["options"], json!(["Coffee"]));
}
