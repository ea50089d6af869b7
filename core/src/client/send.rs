//! Sending messages: device lists, sessions, encryption for every device of the recipient and
//! our own (or the group's sender key), then waiting for the server's ack. Encryption and
//! the write are serialised, so stanzas leave in call order; the ack is awaited outside the
//! lock, so many sends can be in flight.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::messaging::SentMessage;
use super::order::Ticket;
use super::{ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::message::{
    build_direct_message, build_group_message, message_id, parse_server_ack, sender_key_targets,
    DirectMessage, GroupMessage, OutgoingDevice,
};
use crate::proto;

/// What the server said about a sent message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResult {
    pub id: String,
    /// Server time of the message, unix seconds.
    pub timestamp: u64,
}

/// How long a send may take, reconnections included, until the server's ack.
const ACK_TIMEOUT: Duration = Duration::from_secs(60);
/// The pause between two attempts to prepare a send that failed for want of a connection.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Errors that a later connection may not meet: the send tries again.
fn is_transient(e: &ClientError) -> bool {
    matches!(
        e,
        ClientError::NotConnected
            | ClientError::Disconnected
            | ClientError::IqTimeout
            | ClientError::Socket(_)
    )
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub(crate) fn unix_now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl Inner {
    /// A new message id as WhatsApp Web makes them.
    pub(crate) fn new_message_id(&self) -> String {
        let user = self.device().ok().and_then(|d| d.jid).map(|j| j.user).unwrap_or_default();
        message_id(&user, unix_now().saturating_add_signed(self.server_time_offset()))
    }

    fn server_time_offset(&self) -> i64 {
        self.server_time_offset.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Devices as [`OutgoingDevice`]s: written as `wire` addresses them (LID or phone
    /// number), encrypted under their LID when known.
    fn outgoing(&self, devices: Vec<Jid>, lid_addressed: bool) -> Vec<OutgoingDevice> {
        devices
            .into_iter()
            .map(|d| {
                let encryption = self.messaging.encryption_jid(&d);
                let wire = if lid_addressed { encryption.clone() } else { d };
                OutgoingDevice::new(wire).with_encryption_jid(encryption)
            })
            .collect()
    }

    /// Encrypts and sends `message` to `to` (a user or a group); waits for the server's ack.
    /// A connection that drops meanwhile costs only time: device lists and sessions are
    /// fetched again once a connection is back, and a stanza already written stays in the
    /// outbox until the server acks it (written again on the next connection), all within
    /// [`ACK_TIMEOUT`].
    pub(crate) async fn send_message(
        &self,
        to: Jid,
        message: proto::Message,
        id: Option<String>,
        ticket: Ticket,
    ) -> Result<SendResult, ClientError> {
        ticket.turn().await;
        let deadline = tokio::time::Instant::now() + ACK_TIMEOUT;
        let id = id.unwrap_or_else(|| self.new_message_id());
        let to = to.to_non_ad();
        let (node, phash, users, rx) = loop {
            match self.encrypt_and_write(&to, &message, &id).await {
                Ok(written) => break written,
                Err(e) if is_transient(&e) => {
                    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                    if left.is_zero() {
                        return Err(e);
                    }
                    tracing::debug!(%id, error = %e, "send waits for a connection");
                    self.outbox.wait_online(left).await?;
                    // An iq that timed out on a live connection: do not spin.
                    tokio::time::sleep(RETRY_PAUSE.min(left)).await;
                }
                Err(e) => return Err(e),
            }
        };
        // The next message may be encrypted and sent while the server acks this one.
        drop(ticket);
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let ack = self.reliable_ack(&node, rx, left).await?;
        let ack = parse_server_ack(&ack).map_err(|e| ClientError::BadResponse(e.to_string()))?;
        if ack.phash_mismatch(&phash) {
            // Our device lists are stale: fetch them again next time.
            tracing::debug!(%to, "phash mismatch; device lists invalidated");
            for user in &users {
                self.messaging.forget_devices(user);
            }
            if to.is_group() {
                self.messaging.forget_group(&to);
            }
        }
        if let Some(code) = ack.error {
            if to.is_group() {
                // Nobody got the sender key this stanza carried: hand it out again next time.
                self.messaging.add_sender_key_holders(&to, true, &[]);
            }
            return Err(ClientError::ServerError {
                code: u16::try_from(code).unwrap_or(u16::MAX),
                text: "message refused".into(),
            });
        }
        Ok(SendResult { id, timestamp: ack.timestamp.unwrap_or_else(unix_now) })
    }

    /// Device lists, sessions, encryption, then the write into the outbox (under the send
    /// lock, so stanzas leave in order). Errors before the encryption leave nothing behind.
    async fn encrypt_and_write(
        &self,
        to: &Jid,
        message: &proto::Message,
        id: &str,
    ) -> Result<(Node, String, Vec<Jid>, tokio::sync::oneshot::Receiver<Node>), ClientError> {
        if self.outbox.len() >= super::outbox::MAX_PENDING {
            // Back-pressure: the caller waits (a transient error) until the outbox drains.
            return Err(ClientError::NotConnected);
        }
        let own = self.own_jids()?;
        let store = self.signal().await?;
        let identity = self.device()?.account_bytes();
        let guard = self.messaging.send_lock.lock().await;
        let (node, phash, users) = if to.is_group() {
            let participants = self.group_participants(to).await?;
            let devices = self.user_devices(&participants).await?;
            let devices: Vec<Jid> =
                devices.into_iter().filter(|d| !own.is_this_device(d)).collect();
            let devices = self.outgoing(devices, false);
            let holders = self.messaging.sender_key_holders(to);
            let msg = GroupMessage {
                id,
                group: to,
                message,
                sender: &own.pn,
                devices: &devices,
                devices_with_sender_key: &holders,
                device_identity: identity.as_deref(),
            };
            let targets = sender_key_targets(&*store, &own, &msg)?;
            self.ensure_sessions(&store, &targets).await?;
            let out = {
                let _signal = self.messaging.signal_guard();
                build_group_message(&*store, &own, &msg)?
            };
            self.messaging.add_sender_key_holders(
                to,
                out.new_sender_key,
                &out.sender_key_recipients,
            );
            for (jid, e) in &out.failed {
                tracing::warn!(%jid, error = %e, "group message not encrypted for a device");
            }
            (out.node, out.phash, participants)
        } else {
            let lid_addressed = to.is_lid();
            let own_user = if lid_addressed {
                own.lid.clone().map(|l| l.to_non_ad()).unwrap_or_else(|| own.pn.to_non_ad())
            } else {
                own.pn.to_non_ad()
            };
            let recipient =
                self.outgoing(self.user_devices(std::slice::from_ref(to)).await?, lid_addressed);
            let own_devices: Vec<Jid> = self
                .user_devices(&[own.pn.to_non_ad()])
                .await?
                .into_iter()
                .filter(|d| !own.is_this_device(d))
                .collect();
            let own_devices = self.outgoing(own_devices, lid_addressed);
            let all: Vec<OutgoingDevice> =
                recipient.iter().chain(own_devices.iter()).cloned().collect();
            self.ensure_sessions(&store, &all).await?;
            let msg = DirectMessage {
                id,
                to,
                message,
                recipient_devices: &recipient,
                own_devices: &own_devices,
                device_identity: identity.as_deref(),
            };
            let out = {
                let _signal = self.messaging.signal_guard();
                build_direct_message(&*store, &own, &msg)?
            };
            for (jid, e) in &out.failed {
                tracing::warn!(%jid, error = %e, "message not encrypted for a device");
            }
            (out.node, out.phash, vec![to.clone(), own_user])
        };
        // A poll's votes derive their key from us as the chat addresses us.
        let sender = own.lid.as_ref().filter(|_| to.is_lid()).unwrap_or(&own.pn);
        self.remember_poll(to, sender, id, message);
        self.messaging.remember_sent(
            id.to_owned(),
            SentMessage { chat: to.clone(), message: message.clone() },
        );
        let rx = self.send_reliably(&node).await?;
        drop(guard);
        Ok((node, phash, users, rx))
    }
}

/// `<presence>`/`<chatstate>` helpers need our push name.
pub(crate) fn presence_node(kind: &'static str, name: &str) -> Node {
    let node = Node::new("presence").attr("type", kind);
    if name.is_empty() {
        node
    } else {
        node.attr("name", name.to_owned())
    }
}
