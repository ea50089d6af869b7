//! Removing the wrappers a received message may come in (whatsmeow `events.Message.UnwrapRaw`).
use serde::{Deserialize, Serialize};

use crate::proto;

/// Which wrappers a received message had.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageFlags {
    /// Sent by another device of ours to this chat (`deviceSentMessage`).
    pub device_sent: Option<DeviceSentMeta>,
    pub ephemeral: bool,
    /// Any view-once wrapper (`viewOnceMessage`, `V2`, `V2Extension`).
    pub view_once: bool,
    pub view_once_v2: bool,
    pub view_once_v2_extension: bool,
    pub document_with_caption: bool,
    pub lottie_sticker: bool,
    /// An edit (`editedMessage`); the content is a protocolMessage naming the edited message.
    pub edit: bool,
}

/// What a `deviceSentMessage` wrapper says beyond its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSentMeta {
    pub destination_jid: String,
    pub phash: Option<String>,
}

/// Removes the wrappers that change how a message is shown, outermost first, and says which
/// there were. A wrapper without content is left in place.
pub fn unwrap_message(mut message: proto::Message) -> (proto::Message, MessageFlags) {
    let mut flags = MessageFlags::default();
    if let Some(dsm) = message.device_sent_message.take() {
        match dsm.message {
            Some(inner) => {
                flags.device_sent = Some(DeviceSentMeta {
                    destination_jid: dsm.destination_jid.unwrap_or_default(),
                    phash: dsm.phash,
                });
                let context = message.message_context_info.take();
                message = *inner;
                if message.message_context_info.is_none() {
                    message.message_context_info = context;
                }
            }
            None => message.device_sent_message = Some(dsm),
        }
    }
    // Wrappers nest in either order (an ephemeral view-once message): loop until none is left.
    loop {
        let (wrapper, flag): (&mut Option<Box<proto::FutureProofMessage>>, &mut bool) =
            if message.ephemeral_message.as_ref().is_some_and(|w| w.message.is_some()) {
                (&mut message.ephemeral_message, &mut flags.ephemeral)
            } else if message.view_once_message.as_ref().is_some_and(|w| w.message.is_some()) {
                (&mut message.view_once_message, &mut flags.view_once)
            } else if message.view_once_message_v2.as_ref().is_some_and(|w| w.message.is_some()) {
                flags.view_once = true;
                (&mut message.view_once_message_v2, &mut flags.view_once_v2)
            } else if message
                .view_once_message_v2_extension
                .as_ref()
                .is_some_and(|w| w.message.is_some())
            {
                flags.view_once = true;
                (&mut message.view_once_message_v2_extension, &mut flags.view_once_v2_extension)
            } else if message
                .document_with_caption_message
                .as_ref()
                .is_some_and(|w| w.message.is_some())
            {
                (&mut message.document_with_caption_message, &mut flags.document_with_caption)
            } else if message.lottie_sticker_message.as_ref().is_some_and(|w| w.message.is_some()) {
                (&mut message.lottie_sticker_message, &mut flags.lottie_sticker)
            } else if message.edited_message.as_ref().is_some_and(|w| w.message.is_some()) {
                (&mut message.edited_message, &mut flags.edit)
            } else {
                break;
            };
        *flag = true;
        let inner = wrapper.take().and_then(|w| w.message).map(|m| *m).unwrap_or_default();
        let context = message.message_context_info.take();
        message = inner;
        if message.message_context_info.is_none() {
            message.message_context_info = context;
        }
    }
    (message, flags)
}
