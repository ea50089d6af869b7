//! Pairing by code, the primary's side (whatsmeow pair-code.go, Baileys `requestPairingCode`):
//! 1. the companion sends `<iq xmlns="md" type="set"><link_code_companion_reg
//!    stage="companion_hello" jid=phone>` with its code-wrapped ephemeral key; the server
//!    answers with a `<link_code_pairing_ref>`;
//! 2. the phone's user enters the code (control API): the phone unwraps the companion's
//!    ephemeral, and the server sends the `link_code_companion_reg` notification with the
//!    phone's wrapped ephemeral and identity key;
//! 3. the companion sends `stage="companion_finish"` with its wrapped key bundle; the phone
//!    opens it (a wrong code shows here), derives the adv secret, and pairing proceeds to
//!    pair-success as for a QR code.
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use rand::RngCore;
use tokio::sync::oneshot;
use wazap::binary::Node;
use wazap::crypto::PublicKey;
use wazap::pair::link_code::WRAPPED_KEY_LEN;
use wazap::pair::{CodePairingError, PairingCode, PrimaryCodePairing};

use super::{pairing, stanza, IqError};
use crate::conn::{ConnCtx, Session};
use crate::control::ControlError;
use crate::jids::parse_phone;
use crate::shared::Shared;
use crate::state::CodeRequest;

/// How long the control request waits for the companion's `companion_finish`.
pub const FINISH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a companion_hello stays usable (whatsmeow: the QR refs run out after 160 s).
pub const HELLO_TTL: Duration = Duration::from_secs(180);

fn child_bytes<'a>(node: &'a Node, tag: &'static str) -> Result<&'a [u8], IqError> {
    node.child_by_tag(tag)
        .and_then(Node::content_bytes)
        .ok_or_else(|| IqError::BadRequest(format!("missing <{tag}>")))
}

/// `<link_code_companion_reg>` in an md iq.
pub async fn handle(ctx: &mut ConnCtx, id: &str, reg: &Node) -> Result<Option<Node>, IqError> {
    if ctx.session != Session::Registering {
        return Err(IqError::NotAuthorized);
    }
    match reg.attr_str("stage") {
        Some("companion_hello") => hello(ctx, id, reg).map(Some),
        Some("companion_finish") => finish(ctx, id, reg).await.map(|()| None),
        _ => Err(IqError::BadRequest("unknown link_code_companion_reg stage".into())),
    }
}

fn hello(ctx: &mut ConnCtx, id: &str, reg: &Node) -> Result<Node, IqError> {
    let jid = reg.req_jid("jid")?;
    let phone =
        parse_phone(&jid.to_string()).ok_or_else(|| IqError::BadRequest("bad jid".into()))?;
    let wrapped = child_bytes(reg, "link_code_pairing_wrapped_companion_ephemeral_pub")?;
    if wrapped.len() < WRAPPED_KEY_LEN {
        return Err(IqError::BadRequest("wrapped ephemeral key too short".into()));
    }
    let auth_key = child_bytes(reg, "companion_server_auth_key_pub")?;
    let mut raw = [0u8; 16];
    OsRng.fill_bytes(&mut raw);
    let pairing_ref = hex::encode(raw);
    let mut state = ctx.shared.state();
    if state.account(&phone).is_none() {
        return Err(IqError::NotFound);
    }
    let registration = state
        .pending
        .registrations
        .get_mut(&ctx.handle.id)
        .ok_or_else(|| IqError::Internal("no registration for this connection".into()))?;
    if auth_key != registration.noise_key.0 {
        return Err(IqError::BadRequest(
            "companion_server_auth_key_pub is not our Noise key".into(),
        ));
    }
    registration.code = Some(CodeRequest {
        phone,
        pairing_ref: pairing_ref.clone(),
        wrapped_ephemeral: wrapped.to_vec(),
        created: Instant::now(),
        primary: None,
    });
    let answer = Node::new("link_code_companion_reg")
        .child(Node::new("link_code_pairing_ref").bytes(pairing_ref.into_bytes()));
    Ok(stanza::iq_result(id).child(answer))
}

async fn finish(ctx: &mut ConnCtx, id: &str, reg: &Node) -> Result<(), IqError> {
    let bundle = child_bytes(reg, "link_code_pairing_wrapped_key_bundle")?;
    let companion_identity = child_bytes(reg, "companion_identity_public")?;
    let pairing_ref = child_bytes(reg, "link_code_pairing_ref")?;
    let (primary, waiter, phone, identity, account_key) = {
        let mut state = ctx.shared.state();
        let registration = state
            .pending
            .registrations
            .get_mut(&ctx.handle.id)
            .ok_or_else(|| IqError::Internal("no registration for this connection".into()))?;
        let identity = registration.identity;
        let code = registration
            .code
            .as_mut()
            .filter(|c| c.pairing_ref.as_bytes() == pairing_ref)
            .ok_or(IqError::NotFound)?;
        let (primary, waiter) = code
            .primary
            .take()
            .ok_or_else(|| IqError::BadRequest("the phone has not entered the code".into()))?;
        let phone = code.phone.clone();
        let account = state.account(&phone).ok_or(IqError::NotFound)?;
        (primary, waiter, phone, identity, account.primary.identity_pair())
    };
    let outcome = primary.finish(&account_key, bundle, companion_identity);
    let finished = match outcome {
        Ok(f) if f.companion_identity == identity => f,
        Ok(_) => {
            let _ = waiter.send(Err(ControlError::bad_request(
                "the companion finished with another identity than it registered",
            )));
            return Err(IqError::BadRequest("identity differs from the registration".into()));
        }
        Err(e) => {
            let message = match e {
                CodePairingError::KeyBundleDecrypt => "wrong pairing code".to_owned(),
                other => format!("companion_finish refused: {other}"),
            };
            let _ = waiter.send(Err(ControlError::bad_request(message.clone())));
            return Err(IqError::BadRequest(message));
        }
    };
    ctx.handle.send(stanza::iq_result(id));
    let issued = {
        let mut state = ctx.shared.state();
        pairing::issue_pair_success(
            &mut state,
            ctx.handle.id,
            &phone,
            &finished.companion_identity,
            &finished.adv_secret,
        )
    };
    let outcome = match issued {
        Ok((conn, iq, jid)) => pairing::send_pair_success(&conn, iq).await.map(|()| jid),
        Err(e) => Err(e),
    };
    let _ = waiter.send(outcome);
    Ok(())
}

/// The phone's user enters `code` (control API): sends the primary's half of the exchange to
/// the newest companion that asked to pair with `phone`, then waits for pair-success.
pub async fn pair_by_code(
    shared: &Shared,
    phone: &str,
    code: &str,
) -> Result<String, ControlError> {
    let code = PairingCode::parse(code)
        .map_err(|e| ControlError::bad_request(format!("malformed pairing code: {e}")))?;
    let (conn_id, conn, wrapped, pairing_ref, identity) = {
        let mut state = shared.state();
        let identity = state
            .account(phone)
            .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?
            .primary
            .identity_pair()
            .public;
        let registration = state.pending.code_request_for(phone).ok_or_else(|| {
            ControlError::not_found("no companion is waiting for a pairing code for this phone")
        })?;
        let request = registration.code.as_ref().ok_or_else(|| ControlError::not_found("gone"))?;
        if request.created.elapsed() > HELLO_TTL {
            return Err(ControlError::gone("the pairing-code request has expired"));
        }
        (
            registration.conn.id,
            registration.conn.clone(),
            request.wrapped_ephemeral.clone(),
            request.pairing_ref.clone(),
            identity,
        )
    };
    // PBKDF2 with 2^17 iterations: off the async threads.
    let accepted = tokio::task::spawn_blocking(move || {
        PrimaryCodePairing::accept(&mut OsRng, &code, &wrapped)
    })
    .await
    .map_err(|e| ControlError::internal(e.to_string()))?
    .map_err(|e| ControlError::bad_request(e.to_string()))?;
    let (primary, wrapped_primary) = accepted;
    let (tx, rx) = oneshot::channel();
    {
        let mut state = shared.state();
        let request = state
            .pending
            .registrations
            .get_mut(&conn_id)
            .and_then(|r| r.code.as_mut())
            .ok_or_else(|| ControlError::gone("the companion disconnected"))?;
        request.primary = Some((primary, tx));
    }
    conn.send(notification(&pairing_ref, &identity, &wrapped_primary));
    match tokio::time::timeout(FINISH_TIMEOUT, rx).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => Err(ControlError::gone("the companion disconnected")),
        Err(_) => Err(ControlError::timeout("the companion did not finish the code pairing")),
    }
}

/// `<notification type="link_code_companion_reg">` (Baileys messages-recv.ts reads these
/// three children).
fn notification(pairing_ref: &str, identity: &PublicKey, wrapped: &[u8]) -> Node {
    let reg = Node::new("link_code_companion_reg")
        .child(Node::new("link_code_pairing_ref").bytes(pairing_ref.as_bytes().to_vec()))
        .child(Node::new("primary_identity_pub").bytes(identity.0.to_vec()))
        .child(
            Node::new("link_code_pairing_wrapped_primary_ephemeral_pub").bytes(wrapped.to_vec()),
        );
    stanza::notification(stanza::server_jid(), "link_code_companion_reg", reg)
}
