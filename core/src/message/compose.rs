//! Building the `Message` protos of texts, replies, mentions and reactions.
use crate::binary::{Jid, Server};
use crate::proto;

/// A plain text message (`conversation`).
pub fn text(body: impl Into<String>) -> proto::Message {
    proto::Message { conversation: Some(body.into()), ..Default::default() }
}

/// The key naming a message in `chat`: `fromMe`, its id and, for other people's messages in
/// groups, the sender (without device) as `participant` (whatsmeow `BuildMessageKey`).
pub fn message_key(chat: &Jid, sender: &Jid, id: &str, from_me: bool) -> proto::MessageKey {
    let one_to_one = matches!(chat.server, Server::Pn | Server::Lid | Server::Messenger);
    proto::MessageKey {
        remote_jid: Some(chat.to_string()),
        from_me: Some(from_me),
        id: Some(id.to_owned()),
        participant: (!from_me && !one_to_one).then(|| sender.to_non_ad().to_string()),
    }
}

/// A reaction to the message `key` names; an empty `emoji` removes our reaction.
pub fn reaction(key: proto::MessageKey, emoji: &str, sender_timestamp_ms: i64) -> proto::Message {
    proto::Message {
        reaction_message: Some(proto::ReactionMessage {
            key: Some(key),
            text: Some(emoji.to_owned()),
            grouping_key: None,
            sender_timestamp_ms: Some(sender_timestamp_ms),
        }),
        ..Default::default()
    }
}

/// The message a reply quotes.
#[derive(Clone, Debug)]
pub struct QuotedMessage<'a> {
    pub id: &'a str,
    /// Who sent it (any device of theirs; written without device).
    pub sender: &'a Jid,
    pub message: &'a proto::Message,
}

/// A text as an application writes it, the one composition every binding and the REST server
/// use: a plain `conversation`, or, when it quotes a message or mentions someone, a
/// [`reply`].
pub fn compose_text(
    body: &str,
    quoted: Option<&QuotedMessage<'_>>,
    mentions: &[Jid],
) -> proto::Message {
    if quoted.is_none() && mentions.is_empty() {
        text(body)
    } else {
        reply(body, quoted, mentions)
    }
}

/// A text always as an `extendedTextMessage` (what wuzapi sends for every text, so its
/// recipients see the same message): a [`reply`] when it quotes or mentions, else the text
/// alone without a ContextInfo.
pub fn compose_extended_text(
    body: &str,
    quoted: Option<&QuotedMessage<'_>>,
    mentions: &[Jid],
) -> proto::Message {
    if quoted.is_some() || !mentions.is_empty() {
        return reply(body, quoted, mentions);
    }
    proto::Message {
        extended_text_message: Some(Box::new(proto::ExtendedTextMessage {
            text: Some(body.to_owned()),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// An `extendedTextMessage` with a ContextInfo quoting `quoted` (if any) and mentioning
/// `mentions` (write them as `@<user>` in `body`).
pub fn reply(body: &str, quoted: Option<&QuotedMessage<'_>>, mentions: &[Jid]) -> proto::Message {
    let context = proto::ContextInfo {
        stanza_id: quoted.map(|q| q.id.to_owned()),
        participant: quoted.map(|q| q.sender.to_non_ad().to_string()),
        quoted_message: quoted.map(|q| Box::new(q.message.clone())),
        mentioned_jid: mentions.iter().map(|j| j.to_non_ad().to_string()).collect(),
        ..Default::default()
    };
    proto::Message {
        extended_text_message: Some(Box::new(proto::ExtendedTextMessage {
            text: Some(body.to_owned()),
            context_info: Some(Box::new(context)),
            ..Default::default()
        })),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extended_text_is_an_extended_text_message_with_or_without_context() {
        let plain = compose_extended_text("hi", None, &[]);
        let ext = plain.extended_text_message.as_ref().expect("extendedTextMessage");
        assert_eq!(ext.text.as_deref(), Some("hi"));
        assert!(ext.context_info.is_none() && plain.conversation.is_none());
        let who: Jid = "15550002222@s.whatsapp.net".parse().unwrap();
        let mentioning = compose_extended_text("hi @15550002222", None, std::slice::from_ref(&who));
        let context = mentioning.extended_text_message.unwrap().context_info.unwrap();
        assert_eq!(context.mentioned_jid, ["15550002222@s.whatsapp.net"]);
        assert_eq!(compose_text("hi", None, &[]).conversation.as_deref(), Some("hi"));
    }
}
