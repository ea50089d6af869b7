//! `xmlns="w:profile:picture"` (whatsmeow `GetProfilePictureInfo`, `SetGroupPhoto`; Baileys
//! `profilePictureUrl`, `updateProfilePicture`):
//! - get `target=jid` `<picture type query="url" [id]/>` → `<picture id url direct_path type/>`,
//!   no `<picture>` when the caller's `id` is current, 404 item-not-found when there is none;
//! - set `[target=group]` `<picture type="image">JPEG</picture>` sets the caller's own picture (no
//!   target) or a group's (admins, or members of an unlocked group); no `<picture>` removes it.
//!   Group members are told with a `picture` notification.
use wazap::binary::{Jid, Node, Server};
use wazap::crypto::sha256;

use super::{require_login, routing, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::media::direct_path;
use crate::state::{unix_now, Picture};

/// Largest picture accepted.
pub const MAX_PICTURE: usize = 2 * 1024 * 1024;

/// The key of a picture owner: the phone of a user JID, or a group id.
fn owner(ctx: &ConnCtx, jid: &Jid) -> Option<String> {
    match jid.server {
        Server::Group => {
            ctx.shared.state().durable.groups.contains_key(&jid.user).then(|| jid.user.clone())
        }
        _ => ctx.shared.state().phone_of(jid),
    }
}

pub fn get(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    let picture = iq.req_child("picture")?;
    let target = iq.opt_jid("target")?.ok_or_else(|| IqError::BadRequest("no target".into()))?;
    let key = owner(ctx, &target).ok_or(IqError::NotFound)?;
    let stored = ctx.shared.state().durable.pictures.get(&key).cloned().ok_or(IqError::NotFound)?;
    let reply = stanza::iq_result(id);
    if picture.attr_str("id") == Some(stored.id.as_str()) {
        return Ok(reply);
    }
    let path = direct_path(&stored.blob);
    let kind = picture.attr_str("type").unwrap_or("image").to_owned();
    Ok(reply.child(
        Node::new("picture")
            .attr("id", stored.id)
            .attr("type", kind)
            .attr("url", format!("{}{path}", ctx.shared.addresses.media_url))
            .attr("direct_path", path),
    ))
}

pub async fn set(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let target = iq.opt_jid("target")?;
    let (key, group_members) = match &target {
        Some(t) if t.server == Server::Group => {
            let state = ctx.shared.state();
            let group = state.durable.groups.get(&t.user).ok_or(IqError::NotFound)?;
            let role = group.members.get(&phone).ok_or(IqError::Forbidden)?;
            if group.locked && !role.is_admin() {
                return Err(IqError::Forbidden);
            }
            (t.user.clone(), Some(group.members.keys().cloned().collect::<Vec<_>>()))
        }
        Some(t) if ctx.shared.state().phone_of(t).as_deref() != Some(phone.as_str()) => {
            return Err(IqError::Forbidden)
        }
        _ => (phone.clone(), None),
    };
    let image = iq.child_by_tag("picture").and_then(Node::content_bytes);
    let change = match image {
        Some(bytes) if bytes.len() > MAX_PICTURE => {
            return Err(IqError::BadRequest("picture too large".into()))
        }
        Some(bytes) => {
            let blob = hex::encode(sha256(bytes));
            ctx.shared
                .media
                .put(&blob, bytes.to_vec())
                .await
                .map_err(|e| IqError::Internal(e.to_string()))?;
            let mut state = ctx.shared.state();
            let previous = state.durable.pictures.get(&key).and_then(|p| p.id.parse::<u64>().ok());
            let picture_id = unix_now().max(previous.map_or(0, |p| p + 1)).to_string();
            state.durable.pictures.insert(key.clone(), Picture { id: picture_id.clone(), blob });
            state.save();
            Some(picture_id)
        }
        None => {
            let mut state = ctx.shared.state();
            state.durable.pictures.remove(&key);
            state.save();
            None
        }
    };
    if let (Some(members), Some(group)) = (group_members, target.clone()) {
        let child = match &change {
            Some(picture_id) => {
                Node::new("set").attr("jid", group.clone()).attr("id", picture_id.clone())
            }
            None => Node::new("delete").attr("jid", group.clone()),
        }
        .attr("author", Jid::pn(phone.clone()));
        let notification = stanza::notification(group, "picture", child);
        let targets: Vec<(String, u16)> = {
            let state = ctx.shared.state();
            members
                .iter()
                .filter_map(|m| state.account(m))
                .flat_map(|a| a.device_ids().into_iter().map(|d| (a.phone.clone(), d)))
                .collect()
        };
        for (p, d) in targets {
            routing::deliver(&ctx.shared, &p, d, notification.clone());
        }
    }
    let reply = stanza::iq_result(id);
    Ok(match change {
        Some(picture_id) => reply.child(Node::new("picture").attr("id", picture_id)),
        None => reply,
    })
}
