//! A small world of accounts with in-memory stores, and a stand-in server built on
//! `message::fan_out`, for the message-layer tests. Every stanza goes through the binary
//! encoder and decoder on its way, as on the wire.

use std::cell::Cell;

use wazap::binary::{decode, encode, Jid, Node};
use wazap::crypto::KeyPair;
use wazap::message::{
    build_bundle_node, build_direct_message, build_group_message, build_message_receipt,
    decrypt_message, devices_needing_sessions, fan_out, message_id, parse_prekey_response,
    sender_key_targets, start_session, DecryptedMessage, DirectMessage, GroupMessage, MessageError,
    OutgoingDevice, OutgoingMessage,
};
use wazap::proto;
use wazap::signal::{generate_registration_id, PreKeyBundle, PreKeyRecord, SignedPreKeyRecord};
use wazap::store::{MemorySignalStore, PreKeyStore, SignalStore, SignedPreKeyStore};
use wazap::types::OwnJids;

pub const NOW: u64 = 1_700_000_000;

pub struct Device {
    pub jid: Jid,
    pub own: OwnJids,
    pub store: MemorySignalStore,
    pub identity: KeyPair,
    pub registration_id: u32,
    next_pre_key: Cell<u32>,
    pub device_identity: Vec<u8>,
}

impl Device {
    pub fn new(user: &str, lid_user: &str, device: u16) -> Device {
        let mut rng = rand::thread_rng();
        let identity = KeyPair::generate(&mut rng);
        let registration_id = generate_registration_id(&mut rng);
        let store = MemorySignalStore::new(identity.clone(), registration_id);
        store.store_signed_pre_key(&SignedPreKeyRecord::generate(&identity, 1, &mut rng)).unwrap();
        for id in 1..=30 {
            store.store_pre_key(&PreKeyRecord::new(id, KeyPair::generate(&mut rng))).unwrap();
        }
        let jid = Jid::pn(user).with_device(device);
        let own = OwnJids::new(jid.clone(), Some(Jid::lid(lid_user).with_device(device)));
        // Stands in for the encoded ADVSignedDeviceIdentity.
        let device_identity = format!("adv-identity-of-{jid}").into_bytes();
        Device {
            jid,
            own,
            store,
            identity,
            registration_id,
            next_pre_key: Cell::new(1),
            device_identity,
        }
    }

    /// What the server hands out for this device: a fresh one-time prekey each time.
    pub fn bundle(&self) -> PreKeyBundle {
        let id = self.next_pre_key.get();
        self.next_pre_key.set(id + 1);
        let signed = self.store.load_signed_pre_key(1).unwrap().unwrap();
        PreKeyBundle {
            registration_id: self.registration_id,
            device_id: u32::from(self.jid.device),
            pre_key: self.store.load_pre_key(id).unwrap().map(|k| (id, k.key_pair.public)),
            signed_pre_key_id: signed.id,
            signed_pre_key: signed.key_pair.public,
            signed_pre_key_signature: signed.signature.to_vec(),
            identity_key: self.identity.public,
        }
    }
}

pub struct Account {
    pub user: String,
    pub lid_user: String,
    pub devices: Vec<Device>,
}

impl Account {
    pub fn new(user: &str, lid_user: &str, device_ids: &[u16]) -> Account {
        Account {
            user: user.to_owned(),
            lid_user: lid_user.to_owned(),
            devices: device_ids.iter().map(|&d| Device::new(user, lid_user, d)).collect(),
        }
    }

    pub fn jid(&self) -> Jid {
        Jid::pn(self.user.clone())
    }

    pub fn outgoing(&self) -> Vec<OutgoingDevice> {
        self.devices.iter().map(|d| OutgoingDevice::new(d.jid.clone())).collect()
    }

    /// The devices addressed by phone number, with their sessions under their LIDs.
    pub fn outgoing_lid(&self) -> Vec<OutgoingDevice> {
        self.devices
            .iter()
            .map(|d| {
                let lid = Jid::lid(self.lid_user.clone()).with_device(d.jid.device);
                OutgoingDevice::new(d.jid.clone()).with_encryption_jid(lid)
            })
            .collect()
    }
}

pub struct World {
    pub accounts: Vec<Account>,
}

impl World {
    pub fn device(&self, jid: &Jid) -> &Device {
        self.accounts
            .iter()
            .flat_map(|a| &a.devices)
            .find(|d| &d.jid == jid || d.own.lid.as_ref() == Some(jid))
            .unwrap_or_else(|| panic!("no device {jid}"))
    }

    /// Fetches bundles for the devices `sender` has no session with, through the `encrypt`
    /// iq answer format, and starts sessions.
    pub fn ensure_sessions(&self, sender: &Device, targets: &[OutgoingDevice]) {
        let missing = devices_needing_sessions(&sender.store, targets).unwrap();
        if missing.is_empty() {
            return;
        }
        let users =
            missing.iter().map(|d| build_bundle_node(&d.jid, &self.device(&d.jid).bundle()));
        let answer =
            wire(&Node::new("iq").attr("type", "result").child(Node::new("list").children(users)));
        for (jid, bundle) in parse_prekey_response(&answer).unwrap() {
            let device = missing.iter().find(|d| d.jid == jid).unwrap();
            start_session(&sender.store, device, &bundle.unwrap()).unwrap();
        }
    }

    /// Sends a 1:1 message from `sender` to `to`'s account: sessions, stanza, fan-out.
    pub fn send_direct(&self, sender: &Device, to: &Account, message: &proto::Message) -> Sent {
        let own_devices = self.account_of(sender).outgoing();
        self.send_direct_to(sender, &to.jid(), &to.outgoing(), &own_devices, message)
    }

    pub fn send_direct_to(
        &self,
        sender: &Device,
        to: &Jid,
        recipients: &[OutgoingDevice],
        own_devices: &[OutgoingDevice],
        message: &proto::Message,
    ) -> Sent {
        let others: Vec<_> = own_devices.iter().filter(|d| d.jid != sender.jid).cloned().collect();
        self.ensure_sessions(sender, recipients);
        self.ensure_sessions(sender, &others);
        let id = message_id(&sender.jid.user, NOW);
        let out = build_direct_message(
            &sender.store,
            &sender.own,
            &DirectMessage {
                id: &id,
                to,
                message,
                recipient_devices: recipients,
                own_devices,
                device_identity: Some(&sender.device_identity),
            },
        )
        .unwrap();
        self.route(sender, id, out, &[])
    }

    /// Sends a group message from `sender` to the members' devices.
    pub fn send_group(
        &self,
        sender: &Device,
        group: &Jid,
        members: &[&Account],
        with_key: &[Jid],
        message: &proto::Message,
    ) -> Sent {
        let devices: Vec<OutgoingDevice> = members.iter().flat_map(|a| a.outgoing()).collect();
        let id = message_id(&sender.jid.user, NOW);
        let msg = GroupMessage {
            id: &id,
            group,
            message,
            sender: &sender.jid,
            devices: &devices,
            devices_with_sender_key: with_key,
            device_identity: Some(&sender.device_identity),
        };
        let targets = sender_key_targets(&sender.store, &sender.own, &msg).unwrap();
        self.ensure_sessions(sender, &targets);
        let out = build_group_message(&sender.store, &sender.own, &msg).unwrap();
        let all: Vec<Jid> = devices.iter().map(|d| d.jid.clone()).collect();
        self.route(sender, id, out, &all)
    }

    fn route(&self, sender: &Device, id: String, out: OutgoingMessage, group: &[Jid]) -> Sent {
        assert!(out.failed.is_empty(), "encryption failed for {:?}", out.failed);
        let stanza = wire(&out.node);
        let deliveries = fan_out(&stanza, &sender.jid, NOW, group)
            .unwrap()
            .into_iter()
            .map(|d| (d.device, wire(&d.node)))
            .collect();
        Sent { id, stanza, out, deliveries }
    }

    pub fn account_of(&self, device: &Device) -> &Account {
        self.accounts.iter().find(|a| a.user == device.jid.user).unwrap()
    }
}

pub struct Sent {
    pub id: String,
    pub stanza: Node,
    pub out: OutgoingMessage,
    pub deliveries: Vec<(Jid, Node)>,
}

impl Sent {
    pub fn delivery(&self, device: &Jid) -> &Node {
        &self
            .deliveries
            .iter()
            .find(|(d, _)| d == device)
            .unwrap_or_else(|| panic!("nothing for {device}"))
            .1
    }
}

/// Encodes and decodes a node, as the socket would.
pub fn wire(node: &Node) -> Node {
    decode(&encode(node)).unwrap()
}

/// Decrypts, checks the receipt can be built, commits.
pub fn receive(device: &Device, node: &Node) -> Result<DecryptedMessage, MessageError> {
    let decrypted = decrypt_message(&device.store, &device.own, node)?;
    build_message_receipt(node, &decrypted.info, true).unwrap();
    let DecryptedMessage { info, message, raw, flags, received_sender_key, retry_count, changes } =
        decrypted;
    device.store.commit(changes)?;
    Ok(DecryptedMessage {
        info,
        message,
        raw,
        flags,
        received_sender_key,
        retry_count,
        changes: Default::default(),
    })
}

/// The text of a message: conversation or extended text.
pub fn text_of(message: &proto::Message) -> &str {
    message
        .conversation
        .as_deref()
        .or_else(|| message.extended_text_message.as_ref().and_then(|m| m.text.as_deref()))
        .unwrap_or("")
}
