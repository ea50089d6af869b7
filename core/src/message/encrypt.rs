//! 1:1 encryption for a list of devices: one `<to jid><enc/></to>` per device.
use crate::binary::{Jid, Node};
use crate::signal::{
    self, pad_message, process_pre_key_bundle, CiphertextMessage, PreKeyBundle, RandomKeys,
    SignalError,
};
use crate::store::{SignalStore, StoreError};

use super::address::protocol_address;
use super::MessageError;

/// A device to encrypt for: `jid` is written in `<to jid>`, `encryption_jid` names the Signal
/// session (a phone-number device whose session lives under its LID has both; whatsmeow calls
/// them wire and encryption identity).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OutgoingDevice {
    pub jid: Jid,
    pub encryption_jid: Jid,
}

impl OutgoingDevice {
    pub fn new(jid: Jid) -> Self {
        Self { encryption_jid: jid.clone(), jid }
    }

    /// The same device with its session under another identity (its LID).
    pub fn with_encryption_jid(mut self, encryption_jid: Jid) -> Self {
        self.encryption_jid = encryption_jid;
        self
    }

    pub fn address(&self) -> signal::ProtocolAddress {
        protocol_address(&self.encryption_jid)
    }
}

impl From<Jid> for OutgoingDevice {
    fn from(jid: Jid) -> Self {
        Self::new(jid)
    }
}

/// Whether a usable session with `jid`'s Signal address is stored.
pub fn has_session<S: SignalStore + ?Sized>(store: &S, jid: &Jid) -> Result<bool, StoreError> {
    Ok(store.load_session(&protocol_address(jid))?.is_some_and(|r| !r.is_empty()))
}

/// The devices without a session: fetch their prekey bundles (`build_prekey_request`) and
/// pass each to [`start_session`] before encrypting.
pub fn devices_needing_sessions<S: SignalStore + ?Sized>(
    store: &S,
    devices: &[OutgoingDevice],
) -> Result<Vec<OutgoingDevice>, StoreError> {
    let mut missing = Vec::new();
    for device in devices {
        if !has_session(store, &device.encryption_jid)? {
            missing.push(device.clone());
        }
    }
    Ok(missing)
}

/// Starts a session with `device` from its fetched prekey bundle (X3DH as the initiator).
pub fn start_session<S: SignalStore + ?Sized>(
    store: &S,
    device: &OutgoingDevice,
    bundle: &PreKeyBundle,
) -> Result<(), MessageError> {
    process_pre_key_bundle(store, &device.address(), bundle, &mut RandomKeys)
        .map_err(MessageError::EncryptFailed)
}

/// Pads and encrypts `plaintext` for one device: `<enc v="2" type="pkmsg|msg" …extra>`. The
/// second value says whether it is a pkmsg (the stanza then needs `<device-identity>`).
pub fn encrypt_for_device<S: SignalStore + ?Sized>(
    store: &S,
    device: &OutgoingDevice,
    plaintext: &[u8],
    extra_attrs: &[(&'static str, &str)],
) -> Result<(Node, bool), MessageError> {
    let padded = pad_message(plaintext, &mut rand::thread_rng());
    let ciphertext = signal::encrypt(store, &device.address(), &padded).map_err(|e| match e {
        SignalError::NoSession(address) => MessageError::NoSession(address),
        SignalError::Store(e) => MessageError::Store(e),
        other => MessageError::EncryptFailed(other),
    })?;
    let is_pre_key = matches!(ciphertext, CiphertextMessage::PreKey(_));
    let mut enc = Node::new("enc").attr("v", "2").attr("type", ciphertext.enc_type());
    for (key, value) in extra_attrs {
        enc = enc.attr(*key, value.to_string());
    }
    Ok((enc.bytes(ciphertext.into_bytes()), is_pre_key))
}

/// The outcome of encrypting for several devices.
#[derive(Debug, Default)]
pub struct EncryptedParticipants {
    /// `<to jid><enc/></to>` for each device that worked, in input order.
    pub nodes: Vec<Node>,
    /// Whether any of them is a pkmsg (then the stanza carries `<device-identity>`).
    pub include_identity: bool,
    /// The devices encrypted for.
    pub encrypted_for: Vec<Jid>,
    /// The devices that failed, and why (no session, identity changed…). The message still
    /// goes to the others, as the official clients do.
    pub failed: Vec<(Jid, MessageError)>,
}

impl EncryptedParticipants {
    pub(crate) fn absorb(&mut self, other: EncryptedParticipants) {
        self.nodes.extend(other.nodes);
        self.include_identity |= other.include_identity;
        self.encrypted_for.extend(other.encrypted_for);
        self.failed.extend(other.failed);
    }
}

/// Encrypts `plaintext` for every device. Store failures abort (nothing more can work);
/// Signal failures of one device are reported in `failed`.
pub fn encrypt_for_devices<S: SignalStore + ?Sized>(
    store: &S,
    devices: &[OutgoingDevice],
    plaintext: &[u8],
    extra_attrs: &[(&'static str, &str)],
) -> Result<EncryptedParticipants, MessageError> {
    let mut out = EncryptedParticipants::default();
    for device in devices {
        match encrypt_for_device(store, device, plaintext, extra_attrs) {
            Ok((enc, is_pre_key)) => {
                out.nodes.push(Node::new("to").attr("jid", device.jid.clone()).child(enc));
                out.include_identity |= is_pre_key;
                out.encrypted_for.push(device.jid.clone());
            }
            Err(MessageError::Store(e)) => return Err(MessageError::Store(e)),
            Err(e) => out.failed.push((device.jid.clone(), e)),
        }
    }
    Ok(out)
}
