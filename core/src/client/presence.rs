//! Presence: our availability (`<presence type="available|unavailable" name>`), typing in a
//! chat (`<chatstate to><composing [media="audio"]/>|<paused/></chatstate>`), subscribing to
//! a contact's presence; received `<presence>` and `<chatstate>` become events.
use super::{ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::types::Event;

/// Our availability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Available,
    Unavailable,
}

/// Typing state in a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatState {
    Composing,
    Paused,
}

/// What is being composed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatStateMedia {
    Text,
    Audio,
}

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
        let kind = match presence {
            Presence::Available => "available",
            Presence::Unavailable => "unavailable",
        };
        let name = self.device()?.push_name;
        self.send_node(super::send::presence_node(kind, &name)).await?;
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
    let state = match &*child.tag {
        "composing" => "composing",
        "paused" => "paused",
        other => {
            tracing::debug!(tag = other, "unknown chat state");
            return;
        }
    };
    let media = child.attr_str("media").map(str::to_owned);
    inner.emit(Event::ChatPresence { chat: from, sender, state: state.to_owned(), media });
}
