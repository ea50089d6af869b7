//! `xmlns="encrypt"`: Signal prekeys (whatsmeow prekeys.go, Baileys `uploadPreKeys`,
//! `digestKeyBundle`, `rotateSignedPreKey`).
//! - set `<registration/><type/><identity/><list><key><id/><value/></key>…</list><skey/>`:
//!   upload (the signed prekey's signature is checked with the identity key);
//! - set `<rotate><skey/></rotate>`: a new signed prekey;
//! - get `<count/>` → `<count value/>`: one-time prekeys left;
//! - get `<key><user jid reason="identity"/>…</key>` → `<list><user jid>` bundles, each
//!   one-time prekey handed out once;
//! - get `<digest/>` → what the server holds of the caller's keys.
use wazap::binary::{Jid, Node};
use wazap::crypto::{PublicKey, DJB_TYPE};
use wazap::signal::verify_signed_pre_key;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::state::codec::{HexBytes, Key32};
use crate::state::{Bundle, SignedPrekey};

/// Most one-time prekeys one upload may carry (the first upload has 812).
pub const MAX_UPLOAD: usize = 2000;

fn bad(message: &str) -> IqError {
    IqError::BadRequest(message.to_owned())
}

fn bytes_of<'a>(parent: &'a Node, tag: &str, len: usize) -> Result<&'a [u8], IqError> {
    let bytes = parent.req_child(tag)?.req_bytes()?;
    if bytes.len() != len {
        return Err(IqError::BadRequest(format!("<{tag}> must have {len} bytes")));
    }
    Ok(bytes)
}

fn key32(bytes: &[u8]) -> Key32 {
    let mut k = [0u8; 32];
    k.copy_from_slice(bytes);
    Key32(k)
}

fn id24(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |acc, b| (acc << 8) | u32::from(*b))
}

/// `<key>` or `<skey>`: (id, public key).
fn parse_key(node: &Node) -> Result<(u32, Key32), IqError> {
    Ok((id24(bytes_of(node, "id", 3)?), key32(bytes_of(node, "value", 32)?)))
}

fn parse_signed(node: &Node, identity: &Key32) -> Result<SignedPrekey, IqError> {
    let (id, public) = parse_key(node)?;
    let signature = bytes_of(node, "signature", 64)?;
    verify_signed_pre_key(&identity.public(), &PublicKey(public.0), signature)
        .map_err(|_| bad("the signed prekey signature does not verify"))?;
    Ok(SignedPrekey { id, public, signature: HexBytes(signature.to_vec()) })
}

pub fn handle(ctx: &mut ConnCtx, id: &str, kind: &str, iq: &Node) -> IqResult {
    let (phone, device) = require_login(ctx)?;
    match (kind, iq.get_children().first().map(|c| c.tag.as_ref())) {
        ("set", Some("rotate")) => rotate(ctx, id, &phone, device, iq.req_child("rotate")?),
        ("set", _) => upload(ctx, id, &phone, device, iq),
        ("get", Some("count")) => count(ctx, id, &phone, device),
        ("get", Some("key")) => fetch(ctx, id, iq.req_child("key")?),
        ("get", Some("digest")) => digest(ctx, id, &phone, device),
        (_, other) => Err(IqError::BadRequest(format!("unknown encrypt request {other:?}"))),
    }
}

fn upload(ctx: &ConnCtx, id: &str, phone: &str, device: u16, iq: &Node) -> IqResult {
    let registration_id = id24(bytes_of(iq, "registration", 4)?);
    if bytes_of(iq, "type", 1)? != [DJB_TYPE] {
        return Err(bad("the key type must be 0x05"));
    }
    let identity = key32(bytes_of(iq, "identity", 32)?);
    let keys = iq
        .req_child("list")?
        .children_by_tag("key")
        .map(parse_key)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.len() > MAX_UPLOAD {
        return Err(bad("too many prekeys in one upload"));
    }
    let signed = parse_signed(iq.req_child("skey")?, &identity)?;
    let mut state = ctx.shared.state();
    let account = state.account_mut(phone).ok_or(IqError::NotAuthorized)?;
    let stored = account.bundles.get_mut(&device).ok_or(IqError::NotAuthorized)?;
    if stored.identity != identity {
        return Err(bad("the identity key differs from the one the device paired with"));
    }
    stored.registration_id = registration_id;
    stored.signed = signed;
    stored.one_time.extend(keys);
    let total = stored.one_time.len();
    state.save();
    let welcome = state.awaiting_welcome.remove(&(phone.to_owned(), device));
    drop(state);
    tracing::debug!(%phone, device, total, "prekeys uploaded");
    if welcome {
        crate::phone::new_companion::spawn(ctx.shared.clone(), phone.to_owned(), device);
    }
    Ok(stanza::iq_result(id))
}

fn rotate(ctx: &ConnCtx, id: &str, phone: &str, device: u16, rotate: &Node) -> IqResult {
    let mut state = ctx.shared.state();
    let account = state.account_mut(phone).ok_or(IqError::NotAuthorized)?;
    let stored = account.bundles.get_mut(&device).ok_or(IqError::NotAuthorized)?;
    stored.signed = parse_signed(rotate.req_child("skey")?, &stored.identity)?;
    state.save();
    Ok(stanza::iq_result(id))
}

fn count(ctx: &ConnCtx, id: &str, phone: &str, device: u16) -> IqResult {
    let state = ctx.shared.state();
    let left =
        state.account(phone).and_then(|a| a.bundles.get(&device)).map_or(0, |k| k.one_time.len());
    Ok(stanza::iq_result(id).child(Node::new("count").attr("value", left)))
}

fn signed_node(signed: &SignedPrekey) -> Node {
    Node::new("skey")
        .child(Node::new("id").bytes(signed.id.to_be_bytes()[1..].to_vec()))
        .child(Node::new("value").bytes(signed.public.0.to_vec()))
        .child(Node::new("signature").bytes(signed.signature.0.clone()))
}

fn bundle_node(jid: Jid, bundle: &Bundle) -> Node {
    let mut user = Node::new("user")
        .attr("jid", jid)
        .child(Node::new("registration").bytes(bundle.registration_id.to_be_bytes().to_vec()))
        .child(Node::new("type").bytes(vec![DJB_TYPE]))
        .child(Node::new("identity").bytes(bundle.identity.0.to_vec()))
        .child(signed_node(&bundle.signed));
    if let Some((key_id, key)) = &bundle.one_time {
        user.push_child(
            Node::new("key")
                .child(Node::new("id").bytes(key_id.to_be_bytes()[1..].to_vec()))
                .child(Node::new("value").bytes(key.0.to_vec())),
        );
    }
    user
}

fn fetch(ctx: &ConnCtx, id: &str, key: &Node) -> IqResult {
    let mut users = Vec::new();
    let mut state = ctx.shared.state();
    for user in key.children_by_tag("user") {
        let jid = user.req_jid("jid")?;
        let bundle = state.phone_of(&jid).and_then(|phone| {
            state.account_mut(&phone)?.bundles.get_mut(&jid.device).map(|k| k.take_bundle())
        });
        users.push(match bundle {
            Some(bundle) => bundle_node(jid, &bundle),
            None => Node::new("user")
                .attr("jid", jid)
                .child(Node::new("error").attr("code", 404u16).attr("text", "item-not-found")),
        });
    }
    state.save();
    Ok(stanza::iq_result(id).child(Node::new("list").children(users)))
}

fn digest(ctx: &ConnCtx, id: &str, phone: &str, device: u16) -> IqResult {
    let state = ctx.shared.state();
    let keys =
        state.account(phone).and_then(|a| a.bundles.get(&device)).ok_or(IqError::NotFound)?;
    let ids = keys.one_time.keys().map(|k| Node::new("id").bytes(k.to_be_bytes()[1..].to_vec()));
    let digest = Node::new("digest")
        .child(Node::new("type").bytes(vec![DJB_TYPE]))
        .child(Node::new("registration").bytes(keys.registration_id.to_be_bytes().to_vec()))
        .child(Node::new("identity").bytes(keys.identity.0.to_vec()))
        .child(signed_node(&keys.signed))
        .child(Node::new("list").children(ids));
    Ok(stanza::iq_result(id).child(digest))
}
