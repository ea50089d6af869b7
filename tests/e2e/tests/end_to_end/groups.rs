//! Groups end to end: companions create and run groups through the sandbox with the public
//! group API; members see the changes as events; a member added later reads the next message
//! of an existing member at once (the sender's participants cache followed the notification);
//! removal, leaving, invite links.
use wazap::binary::Jid;
use wazap::types::{GroupChange, GroupInfo, JoinedGroup, ParticipantAction, ParticipantUpdate};
use wazap::{ClientError, Event};
use wazap_e2e::{bounded, create_account, link_companion, sandbox, wait_for, Companion};

fn pn(phone: &str) -> Jid {
    Jid::pn(phone.to_owned())
}

/// The next `GroupInfo` event of `c` about `group` that `pred` accepts.
async fn group_change<F: Fn(&GroupChange) -> bool>(
    c: &mut Companion,
    group: &Jid,
    pred: F,
) -> GroupChange {
    match wait_for(
        &mut c.events,
        |e| matches!(e, Event::GroupInfo(g) if g.jid == *group && pred(g)),
    )
    .await
    {
        Event::GroupInfo(change) => *change,
        _ => unreachable!(),
    }
}

async fn joined_group(c: &mut Companion, group: &Jid) -> JoinedGroup {
    match wait_for(&mut c.events, |e| matches!(e, Event::JoinedGroup(j) if j.group.jid == *group))
        .await
    {
        Event::JoinedGroup(joined) => *joined,
        _ => unreachable!(),
    }
}

/// Waits for the message with `text`; fails if `c` could not decrypt a message first (a
/// sender that did not know `c` was a member would have left out its sender key).
async fn readable_message(c: &mut Companion, text: &str) -> wazap::types::MessageInfo {
    let event = wait_for(&mut c.events, |e| {
        matches!(e, Event::UndecryptableMessage { .. })
            || matches!(e, Event::Message { message, .. } if message.text() == Some(text))
    })
    .await;
    match event {
        Event::Message { info, .. } => *info,
        other => panic!("expected {text:?} to decrypt at once, got {other:?}"),
    }
}

fn server_code(result: Result<impl std::fmt::Debug, ClientError>) -> u16 {
    match result {
        Err(ClientError::ServerError { code, .. }) => code,
        other => panic!("expected a server error, got {other:?}"),
    }
}

/// `c` adds, removes, promotes or demotes `members`.
async fn change_members(
    c: &Companion,
    group: &Jid,
    members: &[Jid],
    action: ParticipantAction,
) -> Result<Vec<ParticipantUpdate>, ClientError> {
    bounded(c.client.update_group_participants(group, members, action)).await
}

fn listed<'a>(groups: &'a [GroupInfo], group: &Jid) -> Option<&'a GroupInfo> {
    groups.iter().find(|g| g.jid == *group)
}

#[tokio::test]
async fn a_created_group_is_seen_by_every_member_and_its_changes_arrive_as_events() {
    let sandbox = sandbox().await;
    let (a, b, c) = ("15550040001", "15550040002", "15550040003");
    for phone in [a, b, c] {
        create_account(&sandbox, phone).await;
    }
    let mut a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let mut c1 = link_companion(&sandbox, c).await;

    let info = bounded(a1.client.create_group("Team", &[pn(b), pn(c)])).await.expect("create");
    assert_eq!(info.name, "Team");
    assert_eq!(info.owner, Some(pn(a)));
    assert_eq!(info.participants.len(), 3);
    let group = info.jid.clone();
    for member in [&mut b1, &mut c1] {
        let joined = joined_group(member, &group).await;
        assert_eq!(joined.sender, Some(pn(a)));
        assert_eq!(joined.group.name, "Team");
    }
    for member in [&a1, &b1, &c1] {
        let groups = bounded(member.client.joined_groups()).await.expect("joined groups");
        let listed = listed(&groups, &group).expect("the group is listed");
        assert_eq!(listed.name, "Team");
        let creator = listed.participant(&pn(a)).expect("creator listed");
        assert!(creator.is_admin && creator.is_super_admin);
        assert!(creator.lid.as_ref().is_some_and(Jid::is_lid), "{creator:?}");
        for other in [b, c] {
            let p = listed.participant(&pn(other)).expect("member listed");
            assert!(!p.is_admin && !p.is_super_admin);
        }
    }

    bounded(a1.client.set_group_name(&group, "Renamed")).await.expect("rename");
    bounded(a1.client.set_group_topic(&group, "What we do")).await.expect("topic");
    for member in [&mut b1, &mut c1] {
        let renamed = group_change(member, &group, |g| g.name.is_some()).await;
        assert_eq!(renamed.name.unwrap().name, "Renamed");
        assert_eq!(renamed.sender, Some(pn(a)));
        let topic = group_change(member, &group, |g| g.topic.is_some()).await.topic.unwrap();
        assert_eq!(topic.topic, "What we do");
        assert!(!topic.deleted);
    }
    let seen = bounded(b1.client.group_info(&group)).await.expect("info");
    assert_eq!((seen.name.as_str(), seen.topic.as_str()), ("Renamed", "What we do"));
    assert_eq!(seen.name_set_by, Some(pn(a)));
    // Replacing the topic names the current one (the server would refuse a stale id).
    bounded(b1.client.set_group_topic(&group, "Second topic")).await.expect("topic by a member");
    let second = |g: &GroupChange| g.topic.as_ref().is_some_and(|t| t.topic == "Second topic");
    let topic = group_change(&mut a1, &group, second).await.topic.unwrap();
    assert_eq!(topic.set_by, Some(pn(b)));

    // Announce mode: members cannot write, until it is off again.
    bounded(a1.client.set_group_announce(&group, true)).await.expect("announce");
    let change = group_change(&mut b1, &group, |g| g.announce.is_some()).await;
    assert_eq!(change.announce, Some(true));
    assert!(bounded(b1.client.group_info(&group)).await.unwrap().announce);
    assert_eq!(server_code(bounded(b1.client.send_text(group.clone(), "muted?")).await), 403);
    bounded(a1.client.set_group_announce(&group, false)).await.expect("announce off");
    group_change(&mut b1, &group, |g| g.announce == Some(false)).await;
    bounded(b1.client.send_text(group.clone(), "back")).await.expect("members write again");
    readable_message(&mut a1, "back").await;

    // Locked: only admins edit the info.
    bounded(a1.client.set_group_locked(&group, true)).await.expect("lock");
    assert_eq!(group_change(&mut c1, &group, |g| g.locked.is_some()).await.locked, Some(true));
    assert!(bounded(c1.client.group_info(&group)).await.unwrap().locked);
    assert_eq!(server_code(bounded(c1.client.set_group_name(&group, "Mine")).await), 403);
    // Members cannot change members either.
    let kick = change_members(&c1, &group, &[pn(b)], ParticipantAction::Remove).await;
    assert_eq!(server_code(kick), 403);
}

#[tokio::test]
async fn an_added_member_reads_the_next_message_and_a_removed_one_is_gone() {
    let sandbox = sandbox().await;
    let (a, b, d) = ("15550041001", "15550041002", "15550041004");
    for phone in [a, b, d] {
        create_account(&sandbox, phone).await;
    }
    let mut a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let mut d1 = link_companion(&sandbox, d).await;

    let group = bounded(a1.client.create_group("Club", &[pn(b)])).await.expect("create").jid;
    joined_group(&mut b1, &group).await;
    // B writes first: its participants cache and sender key now cover A and B only.
    bounded(b1.client.send_text(group.clone(), "before D")).await.expect("send");
    readable_message(&mut a1, "before D").await;

    let unknown = pn("15550041999");
    let added = [pn(d), pn(b), unknown.clone()];
    let results = change_members(&a1, &group, &added, ParticipantAction::Add).await.expect("add");
    let code_of = |jid: &Jid| results.iter().find(|r| r.jid == *jid).map(|r| r.error);
    assert_eq!(code_of(&pn(d)), Some(None), "{results:?}");
    assert_eq!(code_of(&pn(b)), Some(Some(409)), "already a member: {results:?}");
    assert_eq!(code_of(&unknown), Some(Some(404)), "not on WhatsApp: {results:?}");

    let seen_by_d = group_change(&mut d1, &group, |g| !g.join.is_empty()).await;
    assert_eq!(seen_by_d.join, [pn(d)]);
    assert_eq!(seen_by_d.sender, Some(pn(a)));
    // The event comes after B's cache took D in: B's next message carries D's sender key.
    let seen_by_b = group_change(&mut b1, &group, |g| !g.join.is_empty()).await;
    assert_eq!(seen_by_b.join, [pn(d)]);
    let sent = bounded(b1.client.send_text(group.clone(), "welcome D")).await.expect("send");
    let info = readable_message(&mut d1, "welcome D").await;
    assert_eq!((info.id.as_str(), &info.chat), (sent.id.as_str(), &group));
    assert_eq!(info.sender.user, b);
    readable_message(&mut a1, "welcome D").await;
    // D writes too, from a cache filled by the group query.
    bounded(d1.client.send_text(group.clone(), "hi all")).await.expect("D sends");
    readable_message(&mut b1, "hi all").await;

    // Promote and demote reach the members.
    let d_only = [pn(d)];
    let promote = change_members(&a1, &group, &d_only, ParticipantAction::Promote).await;
    assert!(promote.expect("promote").iter().all(ParticipantUpdate::is_ok));
    assert_eq!(group_change(&mut b1, &group, |g| !g.promote.is_empty()).await.promote, [pn(d)]);
    assert!(
        bounded(b1.client.group_info(&group)).await.unwrap().participant(&pn(d)).unwrap().is_admin
    );
    let demote = change_members(&a1, &group, &d_only, ParticipantAction::Demote).await;
    assert!(demote.expect("demote").iter().all(ParticipantUpdate::is_ok));
    assert_eq!(group_change(&mut b1, &group, |g| !g.demote.is_empty()).await.demote, [pn(d)]);

    // Removed: D hears it, the others too, and D is no longer in the group.
    let remove = change_members(&a1, &group, &d_only, ParticipantAction::Remove).await;
    assert!(remove.expect("remove").iter().all(ParticipantUpdate::is_ok));
    assert_eq!(group_change(&mut d1, &group, |g| !g.leave.is_empty()).await.leave, [pn(d)]);
    assert_eq!(group_change(&mut b1, &group, |g| !g.leave.is_empty()).await.leave, [pn(d)]);
    assert_eq!(server_code(bounded(d1.client.group_info(&group)).await), 403);
    assert!(listed(&bounded(d1.client.joined_groups()).await.unwrap(), &group).is_none());
    assert_eq!(server_code(bounded(d1.client.send_text(group.clone(), "still here?")).await), 403);
    bounded(b1.client.send_text(group.clone(), "after D")).await.expect("send");
    readable_message(&mut a1, "after D").await;

    // B leaves by itself.
    bounded(b1.client.leave_group(&group)).await.expect("leave");
    let b_left = group_change(&mut a1, &group, |g| g.leave.contains(&pn(b))).await;
    assert_eq!((b_left.leave, b_left.sender), (vec![pn(b)], Some(pn(b))));
    assert!(listed(&bounded(b1.client.joined_groups()).await.unwrap(), &group).is_none());
    let left = bounded(a1.client.group_info(&group)).await.unwrap();
    assert_eq!(left.participants.len(), 1);
}

#[tokio::test]
async fn invite_links_let_others_join_until_reset() {
    let sandbox = sandbox().await;
    let (a, b, c) = ("15550042001", "15550042002", "15550042003");
    for phone in [a, b, c] {
        create_account(&sandbox, phone).await;
    }
    let mut a1 = link_companion(&sandbox, a).await;
    let b1 = link_companion(&sandbox, b).await;
    let c1 = link_companion(&sandbox, c).await;
    let group = bounded(a1.client.create_group("Open", &[])).await.expect("create").jid;

    let link = bounded(a1.client.group_invite_link(&group, false)).await.expect("link");
    assert!(link.starts_with("https://chat.whatsapp.com/") && link.len() > 26, "{link}");
    assert_eq!(bounded(a1.client.group_invite_link(&group, false)).await.unwrap(), link);

    assert_eq!(bounded(b1.client.join_group_with_link(&link)).await.expect("join"), group);
    let joined = group_change(&mut a1, &group, |g| !g.join.is_empty()).await;
    assert_eq!(joined.join, [pn(b)]);
    assert_eq!(joined.join_reason.as_deref(), Some("invite"));
    let groups = bounded(b1.client.joined_groups()).await.unwrap();
    assert!(listed(&groups, &group).is_some_and(|g| g.participant(&pn(b)).is_some()));
    // Only admins see the link.
    assert_eq!(server_code(bounded(b1.client.group_invite_link(&group, false)).await), 403);
    // The new member writes and is read.
    bounded(b1.client.send_text(group.clone(), "joined by link")).await.expect("send");
    readable_message(&mut a1, "joined by link").await;

    let fresh = bounded(a1.client.group_invite_link(&group, true)).await.expect("reset");
    assert_ne!(fresh, link);
    assert_eq!(server_code(bounded(c1.client.join_group_with_link(&link)).await), 404);
    let code = fresh.trim_start_matches("https://chat.whatsapp.com/");
    assert_eq!(bounded(c1.client.join_group_with_link(code)).await.expect("join by code"), group);
    let info = bounded(a1.client.group_info(&group)).await.unwrap();
    assert_eq!(info.participants.len(), 3);
}
