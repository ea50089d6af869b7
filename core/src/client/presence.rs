//! Presence: our availability (`<presence type="available|unavailable" name>`), typing in a
//! chat (`<chatstate to><composing [media="audio"]/>|<paused/></chatstate>`), subscribing to
//! a contact's presence; received `<presence>` and `<chatstate>` become events.
use super::{ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::types::Event;
pub use crate::types::{ChatState, ChatStateMedia, Presence};

impl Inner {
    /// `<presence type="available" name=…/>` once logged in and whenever the push name changes,
    /// when a push name is known (as whatsmeow's and Baileys' clients do): the server takes the
    /// name as the `notify` name of our messages. Without a name nothing is sent (whatsmeow's
    /// `SendPresence` refuses to send one: `ErrNoPushName`).
    pub(crate) async fn announce_available(&self) {
        match self.device() {
            Ok(device) if !device.push_name.is_empty() => {
                if let Err(e) = self.send_presence(Presence::Available).await {
                    tracing::debug!(error = %e, "available presence not sent");
                }
            }
            _ => {}
        }
    }

    pub(crate) async fn send_presence(&self, presence: Presence) -> Result<(), ClientError> {
        let name = self.device()?.push_name;
        self.send_node(super::send::presence_node(presence.name(), &name)).await?;
        // As the real client: delivery receipts are `inactive` until we say we are available.
        self.messaging.receipts.set_available(presence == Presence::Available);
        Ok(())
    }

    pub(crate) async fn send_chat_presence(
        &self,
        chat: &Jid,
        state: ChatState,
        media: ChatStateMedia,
    ) -> Result<(), ClientError> {
        let own = self.own_jids()?;
        let child = match state {
            ChatState::Composing => {
                let node = Node::new("composing");
                match media {
                    ChatStateMedia::Audio => node.attr("media", "audio"),
                    ChatStateMedia::Text => node,
                }
            }
            ChatState::Paused => Node::new("paused"),
        };
        let node = Node::new("chatstate")
            .attr("from", own.pn.clone())
            .attr("to", chat.to_non_ad())
            .child(child);
        self.send_node(node).await
    }

    pub(crate) async fn subscribe_presence(&self, jid: &Jid) -> Result<(), ClientError> {
        let node = Node::new("presence").attr("type", "subscribe").attr("to", jid.to_non_ad());
        self.send_node(node).await
    }
}

/// `<presence from type [last]>`.
pub(crate) fn handle_presence(inner: &Inner, node: &Node) {
    let Ok(Some(from)) = node.opt_jid("from") else { return };
    let available = node.attr_str("type") != Some("unavailable");
    let last_seen = node.attr_str("last").and_then(|l| l.parse().ok());
    inner.emit(Event::Presence { from, available, last_seen });
}

/// `<chatstate from [participant]><composing [media]/>|<paused/></chatstate>`.
pub(crate) fn handle_chatstate(inner: &Inner, node: &Node) {
    let Ok(Some(from)) = node.opt_jid("from") else { return };
    let sender = match node.opt_jid("participant") {
        Ok(Some(participant)) => participant,
        _ => from.clone(),
    };
    let Some(child) = node.get_children().first() else { return };
    let Ok(state) = child.tag.parse::<ChatState>() else {
        tracing::debug!(tag = %child.tag, "unknown chat state");
        return;
    };
    let media = match child.attr_str("media") {
        None => None,
        Some(name) => match name.parse::<ChatStateMedia>() {
            Ok(media) => Some(media),
            Err(e) => {
                tracing::debug!(error = %e, "unknown chat state media");
                None
            }
        },
    };
    inner.emit(Event::ChatPresence { chat: from, sender, state, media });
}
