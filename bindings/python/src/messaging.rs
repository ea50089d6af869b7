//! The messaging operations of [`NativeClient`]: sending (text with an optional reply, any
//! `Message` protobuf, reactions), receipts and presence. Each is an `*_op` future that the
//! `#[pymethods]` in `client.rs` expose twice (blocking and `_async`). Arguments are parsed
//! when the call is made; bad input fails it with `InvalidArgument` before anything is sent.
use std::future::Future;

use prost::Message as _;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use wazap::binary::Jid;
use wazap::client::{ChatState, ChatStateMedia, Presence, SendResult};
use wazap::message::{reply, QuotedMessage};
use wazap::proto;
use wazap::types::ReceiptType;

use crate::bridge::ToPython;
use crate::client::NativeClient;
use crate::errors::BindingError;

type Op<T> = Result<T, BindingError>;

/// What a send returns to Python: `(id, timestamp)` (the wrapper makes a `SendResult`).
pub(crate) struct Sent(pub(crate) SendResult);

impl ToPython for Sent {
    fn to_python(self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(PyTuple::new(
            py,
            [
                self.0.id.into_pyobject(py)?.into_any(),
                self.0.timestamp.into_pyobject(py)?.into_any(),
            ],
        )?
        .into_any()
        .unbind())
    }
}

/// A JID argument (see [`Jid::parse_address`]): a JID, or a bare phone number.
pub(crate) fn jid(text: &str, what: &str) -> Result<Jid, BindingError> {
    Jid::parse_address(text).map_err(|e| BindingError::invalid(format!("{what}: {e}")))
}

fn jids(texts: &[String], what: &str) -> Result<Vec<Jid>, BindingError> {
    texts.iter().map(|t| jid(t, what)).collect()
}

pub(crate) fn decode_message(bytes: &[u8], what: &str) -> Result<proto::Message, BindingError> {
    proto::Message::decode(bytes)
        .map_err(|e| BindingError::invalid(format!("{what} is not a Message protobuf: {e}")))
}

/// The message a reply quotes, as Python passes it (from a received `MessageEvent`).
pub(crate) struct Quote {
    pub id: String,
    pub sender: String,
    /// The quoted `Message` protobuf (`MessageContent.raw`).
    pub message: Vec<u8>,
}

fn presence(name: &str) -> Result<Presence, BindingError> {
    match name {
        "available" => Ok(Presence::Available),
        "unavailable" => Ok(Presence::Unavailable),
        other => Err(BindingError::invalid(format!(
            "presence must be 'available' or 'unavailable', not {other:?}"
        ))),
    }
}

fn chat_state(state: &str, media: &str) -> Result<(ChatState, ChatStateMedia), BindingError> {
    let state = match state {
        "composing" => ChatState::Composing,
        "paused" => ChatState::Paused,
        other => {
            return Err(BindingError::invalid(format!(
                "state must be 'composing' or 'paused', not {other:?}"
            )))
        }
    };
    let media = match media {
        "text" => ChatStateMedia::Text,
        "audio" => ChatStateMedia::Audio,
        other => {
            return Err(BindingError::invalid(format!(
                "media must be 'text' or 'audio', not {other:?}"
            )))
        }
    };
    Ok((state, media))
}

/// The receipt types an application sends itself.
fn receipt_type(name: &str) -> Result<ReceiptType, BindingError> {
    Ok(match name {
        "read" => ReceiptType::Read,
        "read-self" => ReceiptType::ReadSelf,
        "played" => ReceiptType::Played,
        "played-self" => ReceiptType::PlayedSelf,
        other => {
            return Err(BindingError::invalid(format!(
                "receipt_type must be 'read', 'read-self', 'played' or 'played-self', not {other:?}"
            )))
        }
    })
}

impl NativeClient {
    pub(crate) fn send_text_op(
        &self,
        to: String,
        text: String,
        id: Option<String>,
        quote: Option<Quote>,
        mentions: Vec<String>,
    ) -> impl Future<Output = Op<Sent>> + Send + 'static {
        let client = self.client.clone();
        let parsed = (|| -> Result<_, BindingError> {
            let to = jid(&to, "to")?;
            let mentions = jids(&mentions, "mentions")?;
            let message = match &quote {
                None if mentions.is_empty() => wazap::message::text(text.as_str()),
                None => reply(&text, None, &mentions),
                Some(q) => {
                    let sender = jid(&q.sender, "reply_to sender")?;
                    let quoted = decode_message(&q.message, "reply_to message")?;
                    let quoted = QuotedMessage { id: &q.id, sender: &sender, message: &quoted };
                    reply(&text, Some(&quoted), &mentions)
                }
            };
            Ok((to, message))
        })();
        // Taking the send-order ticket now (not when awaited) keeps messages in call order.
        let send = parsed.map(|(to, message)| client.send_message_with_id(to, message, id));
        async move { Ok(Sent(send?.await?)) }
    }

    pub(crate) fn send_message_op(
        &self,
        to: String,
        message: Vec<u8>,
        id: Option<String>,
    ) -> impl Future<Output = Op<Sent>> + Send + 'static {
        let client = self.client.clone();
        let parsed = jid(&to, "to").and_then(|to| Ok((to, decode_message(&message, "message")?)));
        let send = parsed.map(|(to, message)| client.send_message_with_id(to, message, id));
        async move { Ok(Sent(send?.await?)) }
    }

    pub(crate) fn send_reaction_op(
        &self,
        chat: String,
        sender: String,
        id: String,
        from_me: bool,
        emoji: String,
    ) -> impl Future<Output = Op<Sent>> + Send + 'static {
        let client = self.client.clone();
        let parsed = jid(&chat, "chat").and_then(|chat| Ok((chat, jid(&sender, "sender")?)));
        async move {
            let (chat, sender) = parsed?;
            Ok(Sent(client.send_reaction(chat, sender, &id, from_me, &emoji).await?))
        }
    }

    pub(crate) fn send_receipt_op(
        &self,
        ids: Vec<String>,
        chat: String,
        sender: Option<String>,
        kind: String,
    ) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        let parsed = (|| -> Result<_, BindingError> {
            let chat = jid(&chat, "chat")?;
            let sender = sender.as_deref().map(|s| jid(s, "sender")).transpose()?;
            Ok((chat, sender, receipt_type(&kind)?))
        })();
        async move {
            let (chat, sender, kind) = parsed?;
            Ok(client.send_receipt(&ids, chat, sender, kind).await?)
        }
    }

    pub(crate) fn send_presence_op(
        &self,
        name: String,
    ) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        let parsed = presence(&name);
        async move { Ok(client.send_presence(parsed?).await?) }
    }

    pub(crate) fn send_chat_presence_op(
        &self,
        chat: String,
        state: String,
        media: String,
    ) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        let parsed = jid(&chat, "chat").and_then(|chat| Ok((chat, chat_state(&state, &media)?)));
        async move {
            let (chat, (state, media)) = parsed?;
            Ok(client.send_chat_presence(chat, state, media).await?)
        }
    }

    pub(crate) fn subscribe_presence_op(
        &self,
        who: String,
    ) -> impl Future<Output = Op<()>> + Send + 'static {
        let client = self.client.clone();
        let parsed = jid(&who, "jid");
        async move { Ok(client.subscribe_presence(parsed?).await?) }
    }
}
