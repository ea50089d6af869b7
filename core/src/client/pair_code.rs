//! Pairing by phone number, the companion's stanzas (the crypto is in
//! [`crate::pair::code_pairing`]): `companion_hello` announces our wrapped ephemeral key and
//! gets a pairing ref; the phone answers with a `link_code_companion_reg` notification carrying
//! its wrapped ephemeral key and identity; we derive the new adv secret and send
//! `companion_finish` with the key bundle. The usual `pair-success` follows.
use std::sync::Arc;

use rand::rngs::OsRng;

use super::{lock, server_iq, ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::pair::{CompanionClientType, CompanionCodePairing, PairingCode};
use crate::types::Event;

pub(crate) struct PendingCodePairing {
    jid: Jid,
    pairing: CompanionCodePairing,
    reference: Vec<u8>,
}

/// Keeps the digits; refuses numbers too short to be international or with a trunk prefix
/// (as whatsmeow's `PairPhone` does).
pub(crate) fn normalise_phone(phone: &str) -> Result<String, ClientError> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() <= 6 {
        return Err(ClientError::InvalidPhone("too short"));
    }
    if digits.starts_with('0') {
        return Err(ClientError::InvalidPhone("not in international format (leading 0)"));
    }
    Ok(digits)
}

/// The `companion_platform_id` value: the client type's number.
fn platform_id(client_type: CompanionClientType) -> String {
    client_type.as_char().to_digit(16).unwrap_or(0).to_string()
}

pub(crate) async fn pair_phone(
    inner: &Arc<Inner>,
    phone: &str,
    show_push_notification: bool,
    client_type: CompanionClientType,
    display_name: &str,
) -> Result<String, ClientError> {
    let phone = normalise_phone(phone)?;
    let device = inner.device()?;
    if device.is_paired() {
        return Err(ClientError::AlreadyPaired);
    }
    let code = PairingCode::generate(&mut OsRng);
    let shown = code.to_string();
    let (pairing, wrapped) = CompanionCodePairing::start(&mut OsRng, code);
    let jid = Jid::pn(phone);
    let hello = Node::new("link_code_companion_reg")
        .attr("jid", jid.clone())
        .attr("stage", "companion_hello")
        .attr("should_show_push_notification", show_push_notification)
        .children([
            Node::new("link_code_pairing_wrapped_companion_ephemeral_pub").bytes(wrapped.to_vec()),
            Node::new("companion_server_auth_key_pub").bytes(device.noise_key.public.0.to_vec()),
            Node::new("companion_platform_id").bytes(platform_id(client_type).into_bytes()),
            Node::new("companion_platform_display").bytes(display_name.as_bytes().to_vec()),
            Node::new("link_code_pairing_nonce").bytes(vec![0]),
        ]);
    let response = inner.send_iq(server_iq("md", "set", vec![hello]), None).await?;
    let reference = response
        .child_by_path(&["link_code_companion_reg", "link_code_pairing_ref"])
        .and_then(Node::content_bytes)
        .ok_or_else(|| ClientError::BadResponse("companion_hello answer without a ref".into()))?
        .to_vec();
    *lock(&inner.code_pairing) = Some(PendingCodePairing { jid, pairing, reference });
    Ok(shown)
}

pub(crate) async fn handle_notification(inner: &Arc<Inner>, node: &Node) {
    if let Err(e) = finish(inner, node).await {
        tracing::warn!(error = %e, "code pairing failed");
        inner.emit(Event::PairError { reason: e.to_string() });
    }
}

async fn finish(inner: &Arc<Inner>, node: &Node) -> Result<(), ClientError> {
    let reg = node
        .child_by_tag("link_code_companion_reg")
        .ok_or_else(|| ClientError::BadResponse("no link_code_companion_reg".into()))?;
    let field = |tag: &str| {
        reg.child_by_tag(tag).and_then(Node::content_bytes).ok_or_else(|| {
            ClientError::BadResponse(format!("link_code_companion_reg without {tag}"))
        })
    };
    let reference = field("link_code_pairing_ref")?;
    let wrapped_primary = field("link_code_pairing_wrapped_primary_ephemeral_pub")?;
    let primary_identity = field("primary_identity_pub")?;
    let device = inner.device()?;
    let (jid, finish) = {
        let pending = lock(&inner.code_pairing);
        let pending = pending.as_ref().ok_or_else(|| {
            ClientError::BadResponse("code pairing notification without a pending pairing".into())
        })?;
        if pending.reference != reference {
            return Err(ClientError::BadResponse("pairing ref mismatch".into()));
        }
        let finish = pending.pairing.finish(
            &mut OsRng,
            &device.identity_key,
            wrapped_primary,
            primary_identity,
        )?;
        (pending.jid.clone(), finish)
    };
    inner.update_device(|d| d.adv_secret = finish.adv_secret).await?;
    let stanza = Node::new("link_code_companion_reg")
        .attr("jid", jid)
        .attr("stage", "companion_finish")
        .children([
            Node::new("link_code_pairing_wrapped_key_bundle").bytes(finish.wrapped_key_bundle),
            Node::new("companion_identity_public").bytes(finish.identity_public.0.to_vec()),
            Node::new("link_code_pairing_ref").bytes(reference.to_vec()),
        ]);
    inner.send_iq(server_iq("md", "set", vec![stanza]), None).await?;
    *lock(&inner.code_pairing) = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_and_checked() {
        assert_eq!(normalise_phone("+1 (555) 010-9999").unwrap(), "15550109999");
        assert!(matches!(normalise_phone("12345"), Err(ClientError::InvalidPhone(_))));
        assert!(matches!(normalise_phone("0612345678"), Err(ClientError::InvalidPhone(_))));
        assert_eq!(platform_id(CompanionClientType::Chrome), "1");
        assert_eq!(platform_id(CompanionClientType::Android), "14");
    }
}
