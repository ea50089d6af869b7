//! `<iq xmlns="w:sync:app:state" type="set"><sync><collection …/>…</sync></iq>`: a companion
//! fetches app state collections (a full sync asks `return_snapshot="true"`, later ones the
//! patches after a version) or uploads a patch (`<collection name version><patch/>`). Answered
//! as the real server does (whatsmeow `fetchAppStatePatches`/`sendAppState`, Baileys
//! `resyncAppState`/`appPatch`): one `<collection name version>` per asked collection, with a
//! snapshot reference and/or `<patches>` and `has_more_patches`; an upload on a stale version
//! is refused with `type="error"` code 409 and the patches the uploader missed. A collection
//! that was never written answers version 0 and nothing else.
use wazap::appstate::iq::{answer_collection, answer_collection_error};
use wazap::appstate::Collection;
use wazap::binary::Node;
use wazap::proto::SyncdPatch;

use super::{require_login, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::phone::app_state::{notify, snapshot};

pub async fn handle(ctx: &ConnCtx, id: &str, iq: &Node) -> IqResult {
    let (phone, device) = require_login(ctx)?;
    let sync = iq.req_child("sync")?;
    let mut answers = Vec::new();
    for node in sync.children_by_tag("collection") {
        let name = node.req_str("name")?;
        let Ok(c) = name.parse::<Collection>() else {
            // A collection this server does not keep: WhatsApp refuses it alone.
            answers.push(
                Node::new("collection")
                    .attr("name", name.to_owned())
                    .attr("type", "error")
                    .child(Node::new("error").attr("code", "400").attr("text", "bad-request")),
            );
            continue;
        };
        let version = node.opt_u64("version")?.unwrap_or(0);
        let answer = match node.child_by_tag("patch") {
            Some(patch) => upload(ctx, &phone, device, c, version, patch)?,
            None if node.opt_bool("return_snapshot")?.unwrap_or(false) => {
                full(ctx, &phone, c).await?
            }
            None => {
                let state = ctx.shared.state();
                let log = state.durable.app_state.get(&phone).cloned().unwrap_or_default();
                let (patches, more) = log.served_after(c, version);
                answer_collection(c, log.version(c), more, None, &patches)
            }
        };
        answers.push(answer);
    }
    Ok(super::stanza::iq_result(id).child(Node::new("sync").children(answers)))
}

/// A full sync: the phone's snapshot of the collection (when it has anything), and the
/// patches after it (none: the snapshot is made at the current version).
async fn full(ctx: &ConnCtx, phone: &str, c: Collection) -> Result<Node, IqError> {
    match snapshot(&ctx.shared, phone, c).await {
        Ok(Some((version, reference))) => {
            Ok(answer_collection(c, version, false, Some(&reference), &[]))
        }
        Ok(None) => Ok(answer_collection(c, 0, false, None, &[])),
        Err(e) => Err(IqError::Internal(e.to_string())),
    }
}

fn upload(
    ctx: &ConnCtx,
    phone: &str,
    device: u16,
    c: Collection,
    base: u64,
    patch: &Node,
) -> Result<Node, IqError> {
    let bytes = patch.req_bytes()?;
    let patch = <SyncdPatch as prost::Message>::decode(bytes)
        .map_err(|e| IqError::BadRequest(format!("patch: {e}")))?;
    let result = {
        let mut state = ctx.shared.state();
        let log = state.durable.app_state.entry(phone.to_owned()).or_default();
        match log.append(c, base, patch, None) {
            Ok(version) => {
                state.save();
                Ok(version)
            }
            Err(current) => Err((current, log.served_after(c, base))),
        }
    };
    match result {
        Ok(version) => {
            notify(&ctx.shared, phone, c, version, Some(device));
            Ok(answer_collection(c, version, false, None, &[]))
        }
        Err((current, (missed, more))) => {
            let mut node = answer_collection_error(c, 409, "conflict");
            node.set_attr("version", current.to_string());
            if more {
                node.set_attr("has_more_patches", true);
            }
            node.push_child(Node::new("patches").children(
                missed.iter().map(|p| Node::new("patch").bytes(prost::Message::encode_to_vec(p))),
            ));
            Ok(node)
        }
    }
}
