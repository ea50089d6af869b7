//! `xmlns="w:g2"`: groups (whatsmeow group.go, Baileys groups.ts). To `g.us`: `<create>`,
//! `<participating>`, `<leave>`, `<invite code>` (join). To a group: `<query>`,
//! `<add|remove|promote|demote>`, `<subject>`, `<description>`, `<announcement>`,
//! `<not_announcement>`, `<locked>`, `<unlocked>`, `<ephemeral>`, `<not_ephemeral>`, `<invite>`
//! (get the code; set resets it). Every change reaches the members' devices as a `w:gp2`
//! notification (queued for offline ones).
use wazap::binary::{Jid, Node, Server};

use super::{require_login, routing, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::shared::Shared;
use crate::state::groups::{new_group_id, new_invite_code, Description, Group, Role};
use crate::state::{unix_now, State};

/// Where invite links point (`https://chat.whatsapp.com/<code>`).
pub const INVITE_PREFIX: &str = "https://chat.whatsapp.com/";

fn bad(message: &str) -> IqError {
    IqError::BadRequest(message.to_owned())
}

/// `<group id subject s_t s_o creation creator size><participant jid [type] lid/>…
/// [<description/>][<announcement/>][<locked/>][<ephemeral/>]</group>` (whatsmeow
/// `parseGroupNode`).
pub fn group_node(state: &State, group: &Group) -> Node {
    let pn = |phone: &str| Jid::pn(phone.to_owned());
    let mut node = Node::new("group")
        .attr("id", group.id.clone())
        .attr("subject", group.subject.clone())
        .attr("s_t", group.subject_at)
        .attr("s_o", pn(&group.subject_by))
        .attr("creation", group.creation)
        .attr("creator", pn(&group.creator))
        .attr("size", group.members.len());
    for (phone, role) in &group.members {
        let lid = state.account(phone).map(|a| a.lid_jid());
        node.push_child(
            Node::new("participant")
                .attr("jid", pn(phone))
                .opt_attr("type", role.attr())
                .opt_attr("lid", lid),
        );
    }
    if let Some(d) = &group.description {
        node.push_child(
            Node::new("description")
                .attr("id", d.id.clone())
                .attr("t", d.set_at)
                .attr("participant", pn(&d.set_by))
                .child(Node::new("body").bytes(d.body.as_bytes().to_vec())),
        );
    }
    if group.announce {
        node.push_child(Node::new("announcement"));
    }
    if group.locked {
        node.push_child(Node::new("locked"));
    }
    if group.ephemeral > 0 {
        node.push_child(Node::new("ephemeral").attr("expiration", group.ephemeral));
    }
    node
}

/// Sends a `w:gp2` notification about `group` to every device of `members`.
fn notify(shared: &Shared, group_id: &str, actor: &str, members: &[String], child: Node) {
    let (notification, targets) = {
        let state = shared.state();
        let notify = state.account(actor).map(|a| a.push_name.clone()).unwrap_or_default();
        let mut node = stanza::notification(Jid::group(group_id.to_owned()), "w:gp2", child);
        node.set_attr("participant", Jid::pn(actor.to_owned()));
        node.set_attr("notify", notify);
        let targets: Vec<(String, u16)> = members
            .iter()
            .filter_map(|p| state.account(p))
            .flat_map(|a| a.device_ids().into_iter().map(|d| (a.phone.clone(), d)))
            .collect();
        (node, targets)
    };
    for (phone, device) in targets {
        routing::deliver(shared, &phone, device, notification.clone());
    }
}

/// `<add|remove|promote|demote><participant jid lid/>…`: members with their LIDs (whatsmeow
/// `parseParticipantList` reads the pairs from them).
fn participants_node(shared: &Shared, tag: &'static str, phones: &[String]) -> Node {
    let state = shared.state();
    Node::new(tag).children(phones.iter().map(|p| {
        Node::new("participant")
            .attr("jid", Jid::pn(p.clone()))
            .opt_attr("lid", state.account(p).map(|a| a.lid_jid()))
    }))
}

/// Why a group operation is refused (also used by the control API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    UnknownCreator,
    EmptySubject,
}

/// Creates a group with `creator` as superadmin and the known accounts among `participants`;
/// notifies every member. Returns the group id.
pub fn create(
    shared: &Shared,
    creator: &str,
    subject: &str,
    participants: &[String],
) -> Result<String, GroupError> {
    if subject.trim().is_empty() {
        return Err(GroupError::EmptySubject);
    }
    let (id, members, node) = {
        let mut state = shared.state();
        if state.account(creator).is_none() {
            return Err(GroupError::UnknownCreator);
        }
        let now = unix_now();
        let mut group = Group {
            id: new_group_id(),
            creator: creator.to_owned(),
            creation: now,
            subject: subject.to_owned(),
            subject_by: creator.to_owned(),
            subject_at: now,
            description: None,
            members: Default::default(),
            announce: false,
            locked: false,
            ephemeral: 0,
            invite_code: new_invite_code(),
        };
        group.members.insert(creator.to_owned(), Role::Superadmin);
        for phone in participants {
            if state.account(phone).is_some() {
                group.members.entry(phone.clone()).or_insert(Role::Member);
            }
        }
        let node = group_node(&state, &group);
        let members: Vec<String> = group.members.keys().cloned().collect();
        let id = group.id.clone();
        state.durable.groups.insert(id.clone(), group);
        state.save();
        (id, members, node)
    };
    notify(shared, &id, creator, &members, Node::new("create").child(node));
    Ok(id)
}

pub fn handle(ctx: &mut ConnCtx, id: &str, kind: &str, iq: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let to = iq.req_jid("to")?;
    if to.server != Server::Group {
        return Err(bad("w:g2 iqs go to g.us or a group"));
    }
    let child = iq.get_children().first().ok_or_else(|| bad("empty w:g2 iq"))?;
    let shared = ctx.shared.clone();
    let reply = stanza::iq_result(id);
    if to.user.is_empty() {
        return match (kind, child.tag.as_ref()) {
            ("set", "create") => {
                let subject = child.attr_str("subject").unwrap_or_default();
                let wanted: Vec<String> = child
                    .children_by_tag("participant")
                    .filter_map(|p| p.req_jid("jid").ok())
                    .filter_map(|j| shared.state().phone_of(&j))
                    .collect();
                let group = create(&shared, &phone, subject, &wanted)
                    .map_err(|_| bad("a group needs a subject"))?;
                let state = shared.state();
                let node = group_node(&state, &state.durable.groups[&group]);
                Ok(reply.child(node))
            }
            ("get", "participating") => {
                let state = shared.state();
                let groups = state
                    .durable
                    .groups
                    .values()
                    .filter(|g| g.members.contains_key(&phone))
                    .map(|g| group_node(&state, g))
                    .collect::<Vec<_>>();
                Ok(reply.child(Node::new("groups").children(groups)))
            }
            ("set", "leave") => {
                let mut left = Vec::new();
                for g in child.children_by_tag("group") {
                    let jid = g.req_jid("id").or_else(|_| g.req_jid("jid"))?;
                    let members = remove_members(&shared, &jid.user, std::slice::from_ref(&phone))?;
                    notify(
                        &shared,
                        &jid.user,
                        &phone,
                        &members,
                        participants_node(&shared, "remove", std::slice::from_ref(&phone)),
                    );
                    left.push(Node::new("group").attr("id", jid));
                }
                Ok(reply.child(Node::new("leave").children(left)))
            }
            ("get", "invite") => {
                // The group of an invite code, for anyone who has the code (not joined).
                let code = child.req_str("code")?;
                let code = code.strip_prefix(INVITE_PREFIX).unwrap_or(code);
                let state = shared.state();
                let group = state
                    .durable
                    .groups
                    .values()
                    .find(|g| g.invite_code == code)
                    .ok_or(IqError::NotFound)?;
                Ok(reply.child(group_node(&state, group)))
            }
            ("set", "invite") => {
                let code = child.req_str("code")?;
                let code = code.strip_prefix(INVITE_PREFIX).unwrap_or(code);
                let (group_id, members) = {
                    let mut state = shared.state();
                    let group = state
                        .durable
                        .groups
                        .values_mut()
                        .find(|g| g.invite_code == code)
                        .ok_or(IqError::NotFound)?;
                    group.members.entry(phone.clone()).or_insert(Role::Member);
                    let out = (group.id.clone(), group.members.keys().cloned().collect::<Vec<_>>());
                    state.save();
                    out
                };
                let add = participants_node(&shared, "add", std::slice::from_ref(&phone))
                    .attr("reason", "invite");
                notify(&shared, &group_id, &phone, &members, add);
                Ok(reply.child(Node::new("group").attr("jid", Jid::group(group_id))))
            }
            (kind, tag) => Err(IqError::BadRequest(format!("unknown w:g2 {kind} <{tag}>"))),
        };
    }
    group_iq(&shared, &phone, &to.user, kind, child, reply)
}

/// Removes members; returns who must hear about it (the members before the change).
fn remove_members(
    shared: &Shared,
    group_id: &str,
    phones: &[String],
) -> Result<Vec<String>, IqError> {
    let mut state = shared.state();
    let group = state.durable.groups.get_mut(group_id).ok_or(IqError::NotFound)?;
    let before: Vec<String> = group.members.keys().cloned().collect();
    for phone in phones {
        group.members.remove(phone);
    }
    state.save();
    Ok(before)
}

fn group_iq(
    shared: &Shared,
    phone: &str,
    group_id: &str,
    kind: &str,
    child: &Node,
    reply: Node,
) -> IqResult {
    let (role, locked) = {
        let state = shared.state();
        let group = state.durable.groups.get(group_id).ok_or(IqError::NotFound)?;
        let role = *group.members.get(phone).ok_or(IqError::Forbidden)?;
        (role, group.locked)
    };
    let tag = child.tag.as_ref();
    match (kind, tag) {
        ("get", "query") => {
            let state = shared.state();
            let node = group_node(&state, &state.durable.groups[group_id]);
            Ok(reply.child(node))
        }
        ("get", "invite") | ("set", "invite") => {
            if !role.is_admin() {
                return Err(IqError::Forbidden);
            }
            let mut state = shared.state();
            let group = state.durable.groups.get_mut(group_id).ok_or(IqError::NotFound)?;
            if kind == "set" {
                group.invite_code = new_invite_code();
            }
            let code = group.invite_code.clone();
            state.save();
            Ok(reply.child(Node::new("invite").attr("code", code)))
        }
        ("set", "add" | "remove" | "promote" | "demote") => {
            if !role.is_admin() {
                return Err(IqError::Forbidden);
            }
            participants_change(shared, phone, group_id, tag, child, reply)
        }
        (
            "set",
            "subject" | "description" | "announcement" | "not_announcement" | "locked" | "unlocked"
            | "ephemeral" | "not_ephemeral",
        ) => {
            let info_change = matches!(tag, "subject" | "description");
            if !role.is_admin() && (locked || !info_change) {
                return Err(IqError::Forbidden);
            }
            let (members, notice) = setting(shared, phone, group_id, child)?;
            notify(shared, group_id, phone, &members, notice);
            Ok(reply)
        }
        (kind, tag) => Err(IqError::BadRequest(format!("unknown w:g2 {kind} <{tag}> for a group"))),
    }
}

/// Applies a setting; returns the members to tell and the notification child.
fn setting(
    shared: &Shared,
    phone: &str,
    group_id: &str,
    child: &Node,
) -> Result<(Vec<String>, Node), IqError> {
    let now = unix_now();
    let mut state = shared.state();
    let group = state.durable.groups.get_mut(group_id).ok_or(IqError::NotFound)?;
    let notice = match child.tag.as_ref() {
        "subject" => {
            let subject = child.content_str().ok_or_else(|| bad("empty subject"))?.to_owned();
            if subject.trim().is_empty() {
                return Err(bad("empty subject"));
            }
            group.subject = subject.clone();
            group.subject_by = phone.to_owned();
            group.subject_at = now;
            Node::new("subject")
                .attr("subject", subject)
                .attr("s_t", now)
                .attr("s_o", Jid::pn(phone.to_owned()))
        }
        "description" => {
            let id = child.attr_str("id").map_or_else(stanza::new_id, str::to_owned);
            match child.child_by_tag("body").and_then(Node::content_str) {
                Some(body) if child.attr_str("delete") != Some("true") => {
                    group.description = Some(Description {
                        id: id.clone(),
                        body: body.to_owned(),
                        set_by: phone.to_owned(),
                        set_at: now,
                    });
                    Node::new("description")
                        .attr("id", id)
                        .child(Node::new("body").bytes(body.as_bytes().to_vec()))
                }
                _ => {
                    group.description = None;
                    Node::new("description").attr("id", id).child(Node::new("delete"))
                }
            }
        }
        "announcement" | "not_announcement" => {
            group.announce = child.tag == "announcement";
            Node::new(child.tag.clone())
        }
        "locked" | "unlocked" => {
            group.locked = child.tag == "locked";
            Node::new(child.tag.clone())
        }
        "ephemeral" => {
            let expiration = child.opt_u64("expiration")?.unwrap_or(0);
            group.ephemeral = u32::try_from(expiration).map_err(|_| bad("expiration too large"))?;
            if group.ephemeral == 0 {
                Node::new("not_ephemeral")
            } else {
                Node::new("ephemeral").attr("expiration", group.ephemeral)
            }
        }
        "not_ephemeral" => {
            group.ephemeral = 0;
            Node::new("not_ephemeral")
        }
        other => return Err(IqError::BadRequest(format!("unknown group setting <{other}>"))),
    };
    let members = group.members.keys().cloned().collect();
    state.save();
    Ok((members, notice))
}

fn participants_change(
    shared: &Shared,
    phone: &str,
    group_id: &str,
    action: &str,
    child: &Node,
    reply: Node,
) -> IqResult {
    let tag: &'static str = match action {
        "add" => "add",
        "remove" => "remove",
        "promote" => "promote",
        _ => "demote",
    };
    let targets: Vec<(Jid, Option<String>)> = {
        let state = shared.state();
        child
            .children_by_tag("participant")
            .map(|p| p.req_jid("jid").map(|j| (j.clone(), state.phone_of(&j))))
            .collect::<Result<_, _>>()?
    };
    let mut changed = Vec::new();
    let mut answer = Vec::new();
    let before: Vec<String> = {
        let mut state = shared.state();
        let group = state.durable.groups.get_mut(group_id).ok_or(IqError::NotFound)?;
        let before = group.members.keys().cloned().collect();
        for (jid, target) in targets {
            let outcome = match (&target, action) {
                (None, _) => Some(404u16),
                (Some(t), "add") if group.members.contains_key(t) => Some(409),
                (Some(t), "add") => {
                    group.members.insert(t.clone(), Role::Member);
                    None
                }
                (Some(t), _) if !group.members.contains_key(t) => Some(404),
                (Some(t), _) if group.members[t] == Role::Superadmin && t != phone => Some(403),
                (Some(t), "remove") => {
                    group.members.remove(t);
                    None
                }
                (Some(t), "promote") => {
                    group.members.insert(t.clone(), Role::Admin);
                    None
                }
                (Some(t), _) => {
                    group.members.insert(t.clone(), Role::Member);
                    None
                }
            };
            if outcome.is_none() {
                changed.extend(target.clone());
            }
            answer.push(Node::new("participant").attr("jid", jid).opt_attr("error", outcome));
        }
        state.save();
        before
    };
    if !changed.is_empty() {
        let mut tell = before;
        tell.extend(changed.iter().cloned());
        tell.sort();
        tell.dedup();
        notify(shared, group_id, phone, &tell, participants_node(shared, tag, &changed));
    }
    Ok(reply.child(Node::new(tag).children(answer)))
}
