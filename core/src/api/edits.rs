//! The requests that change a message already sent: `edit_message` and `revoke_message`.
use std::future::Future;

use serde::{Deserialize, Serialize};

use super::args::{self, jid, jids, opt_jid};
use super::requests::{send, text_with_quote, Quote, Request};
use super::{Error, Result};
use crate::binary::Jid;
use crate::client::SendResult;
use crate::message::{compose_text, edit_message, message_key, revoke};
use crate::Client;

/// `edit_message`: replaces the content of our message `id` in `chat` with `text` (replying
/// to `reply_to` and mentioning `mentions`, as `send_text`), or with `message` (an encoded
/// `Message` protobuf in base64, e.g. a new caption); receivers show it edited. Answers the
/// edit's own `{id, timestamp}`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EditMessage {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    pub id: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub reply_to: Option<Quote>,
    #[serde(default, deserialize_with = "jids")]
    pub mentions: Vec<Jid>,
}

impl EditMessage {
    /// The edit of message `id` in `chat` to `text`.
    pub fn text(chat: Jid, id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            chat,
            id: id.into(),
            text: Some(text.into()),
            message: None,
            reply_to: None,
            mentions: Vec::new(),
        }
    }
}

impl Request for EditMessage {
    const NAME: &'static str = "edit_message";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let content = match (&self.text, &self.message) {
            _ if self.id.trim().is_empty() => Err(Error::invalid("id must name the message")),
            (Some(body), None) => {
                text_with_quote(compose_text, body, self.reply_to.as_ref(), &self.mentions)
            }
            (None, Some(b64)) if self.reply_to.is_none() && self.mentions.is_empty() => {
                args::base64(b64, "message").and_then(|b| args::message(&b, "message"))
            }
            (None, Some(_)) => Err(Error::invalid("reply_to and mentions go with text")),
            _ => Err(Error::invalid("give the new content as text or as message (one of them)")),
        };
        let now = crate::client::unix_now_ms();
        let message = content.map(|c| edit_message(&self.chat, &self.id, c, now));
        send(&client, self.chat, message, None)
    }
}

/// `revoke_message`: deletes message `id` of `chat` for everyone: ours (`sender` absent or
/// us), or, as a group admin, the one `sender` wrote.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeMessage {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    pub id: String,
    #[serde(default, deserialize_with = "opt_jid")]
    pub sender: Option<Jid>,
}

impl Request for RevokeMessage {
    const NAME: &'static str = "revoke_message";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let own = |j: &Jid| {
            [client.jid(), client.lid()]
                .iter()
                .flatten()
                .any(|o| o.user == j.user && !j.user.is_empty())
        };
        let message = if self.id.trim().is_empty() {
            Err(Error::invalid("id must name the message"))
        } else {
            let key = match &self.sender {
                Some(sender) if !own(sender) => {
                    if !self.chat.is_group() {
                        Err(Error::invalid("only a group admin deletes another's message"))
                    } else {
                        Ok(message_key(&self.chat, sender, &self.id, false))
                    }
                }
                _ => Ok(message_key(&self.chat, &self.chat, &self.id, true)),
            };
            key.map(revoke)
        };
        send(&client, self.chat, message, None)
    }
}
