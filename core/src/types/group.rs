//! Groups as the API returns them (whatsmeow `types.GroupInfo`, `events.GroupInfo`,
//! `events.JoinedGroup`): a group's metadata and members, the outcome of a participant change,
//! and what a `w:gp2` notification says changed.
use serde::{Deserialize, Serialize};

use crate::binary::Jid;

/// A group's metadata and members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    /// `<id>@g.us`.
    pub jid: Jid,
    /// The subject.
    pub name: String,
    pub name_set_by: Option<Jid>,
    /// Unix seconds.
    pub name_set_at: Option<u64>,
    /// The description; empty when there is none.
    pub topic: String,
    /// The description's id (needed to replace it; [`crate::Client::set_group_topic`] reads it).
    pub topic_id: Option<String>,
    pub topic_set_by: Option<Jid>,
    pub topic_set_at: Option<u64>,
    /// Who created the group.
    pub owner: Option<Jid>,
    /// Unix seconds.
    pub created: Option<u64>,
    /// Only admins may send messages.
    pub announce: bool,
    /// Only admins may edit the group info.
    pub locked: bool,
    /// Disappearing-messages timer in seconds, when on.
    pub ephemeral_secs: Option<u32>,
    /// The member count the server states (`size`); `participants` may be left out of some
    /// answers.
    pub participant_count: Option<u32>,
    pub participants: Vec<GroupParticipant>,
}

impl GroupInfo {
    /// The member `user` (phone number or LID, any device), if present.
    pub fn participant(&self, user: &Jid) -> Option<&GroupParticipant> {
        self.participants.iter().find(|p| p.is(user))
    }
}

/// A group member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupParticipant {
    /// The member as the group addresses it (phone-number user, or LID user in LID groups).
    pub jid: Jid,
    /// The member's LID, when known.
    pub lid: Option<Jid>,
    /// The member's phone-number JID, when known.
    pub phone_number: Option<Jid>,
    pub is_admin: bool,
    pub is_super_admin: bool,
}

impl GroupParticipant {
    /// Whether this member is `user` (by phone number or LID; the device is ignored).
    pub fn is(&self, user: &Jid) -> bool {
        let same = |j: &Jid| j.user == user.user && j.server == user.server;
        same(&self.jid)
            || self.lid.as_ref().is_some_and(same)
            || self.phone_number.as_ref().is_some_and(same)
    }
}

/// What [`crate::Client::update_group_participants`] does to each listed member (spelled in
/// `api::names`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParticipantAction {
    Add,
    Remove,
    Promote,
    Demote,
}

impl ParticipantAction {
    /// The iq child's tag.
    pub fn tag(self) -> &'static str {
        match self {
            ParticipantAction::Add => "add",
            ParticipantAction::Remove => "remove",
            ParticipantAction::Promote => "promote",
            ParticipantAction::Demote => "demote",
        }
    }
}

/// The server's answer for one member of a participant change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantUpdate {
    pub jid: Jid,
    pub lid: Option<Jid>,
    /// The server's refusal for this member: 403 not allowed (e.g. the creator), 404 not on
    /// WhatsApp or not a member, 408 recently left, 409 already a member…; none when done.
    pub error: Option<u16>,
}

impl ParticipantUpdate {
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}

/// A new subject (`<subject>` of a `w:gp2` notification).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName {
    pub name: String,
    pub set_by: Option<Jid>,
    pub set_at: Option<u64>,
}

/// A new or deleted description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTopic {
    /// Empty when deleted.
    pub topic: String,
    pub id: Option<String>,
    pub set_by: Option<Jid>,
    pub set_at: u64,
    pub deleted: bool,
}

/// What a `w:gp2` notification says changed in a group (whatsmeow `events.GroupInfo`). Fields
/// that did not change are `None` or empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChange {
    /// The group.
    pub jid: Jid,
    /// Who made the change (`participant`), and their push name (`notify`).
    pub sender: Option<Jid>,
    pub notify: Option<String>,
    /// Unix seconds.
    pub timestamp: u64,
    pub name: Option<GroupName>,
    pub topic: Option<GroupTopic>,
    /// Announce mode turned on or off.
    pub announce: Option<bool>,
    /// Locked (admins-only info edits) turned on or off.
    pub locked: Option<bool>,
    /// Disappearing messages: the new timer in seconds, 0 when turned off.
    pub ephemeral_secs: Option<u32>,
    /// Members who joined (added, or by invite link: `join_reason` `invite`).
    pub join: Vec<Jid>,
    pub join_reason: Option<String>,
    /// Members who left or were removed.
    pub leave: Vec<Jid>,
    pub promote: Vec<Jid>,
    pub demote: Vec<Jid>,
    /// The invite link was reset to this one.
    pub new_invite_link: Option<String>,
    /// The group was deleted, with the server's reason.
    pub deleted: Option<String>,
    /// Tags of changes this version does not understand.
    pub unknown: Vec<String>,
}

/// We became a member of a new group (a `w:gp2` `<create>` notification; whatsmeow
/// `events.JoinedGroup`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinedGroup {
    /// Who created it or added us, and their push name.
    pub sender: Option<Jid>,
    pub notify: Option<String>,
    /// Why (`reason`, e.g. `invite`), when the server says.
    pub reason: Option<String>,
    pub group: GroupInfo,
}
