//! Groups on the client (whatsmeow group.go): the public methods, the participants cache that
//! sending uses (filled by every answer that lists members, updated by participant changes
//! and `w:gp2` notifications), and the notification handler that emits `GroupInfo` and
//! `JoinedGroup` events.
use super::{Client, ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::group::{self, iq, GroupNotification};
use crate::types::{Event, GroupChange, GroupInfo, ParticipantAction, ParticipantUpdate};

impl Client {
    /// Every group we are in, with members and descriptions.
    pub async fn joined_groups(&self) -> Result<Vec<GroupInfo>, ClientError> {
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(iq::joined_groups(), None).await?;
            let groups = group::parse_joined_groups(&answer)?;
            for info in &groups {
                inner.cache_group(info);
            }
            Ok(groups)
        })
        .await
    }

    /// A group's metadata and members. A group we are not in is `ServerError` 403 (or 404
    /// when it does not exist).
    pub async fn group_info(&self, group: &Jid) -> Result<GroupInfo, ClientError> {
        let group = group.clone();
        self.on_runtime(|inner| async move { inner.fetch_group_info(&group).await }).await
    }

    /// Creates a group named `name` with us as its super admin and `participants` as members
    /// (those not on WhatsApp are left out by the server).
    pub async fn create_group(
        &self,
        name: &str,
        participants: &[Jid],
    ) -> Result<GroupInfo, ClientError> {
        let request = iq::create_group(name, participants);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(request, None).await?;
            let info = group::parse_group_answer(&answer)?;
            inner.cache_group(&info);
            Ok(info)
        })
        .await
    }

    /// Renames a group.
    pub async fn set_group_name(&self, group: &Jid, name: &str) -> Result<(), ClientError> {
        self.group_set(iq::set_name(group, name)).await
    }

    /// Sets a group's description (topic); an empty `topic` deletes it.
    pub async fn set_group_topic(&self, group: &Jid, topic: &str) -> Result<(), ClientError> {
        let (group, topic) = (group.clone(), topic.to_owned());
        self.on_runtime(|inner| async move {
            // The server wants the id of the description being replaced.
            let current = inner.fetch_group_info(&group).await?;
            let id = inner.new_message_id();
            let request = iq::set_topic(&group, &id, current.topic_id.as_deref(), &topic);
            inner.send_iq(request, None).await.map(drop)
        })
        .await
    }

    /// Announce mode: only admins may send messages (or everyone again).
    pub async fn set_group_announce(&self, group: &Jid, announce: bool) -> Result<(), ClientError> {
        self.group_set(iq::set_announce(group, announce)).await
    }

    /// Locked: only admins may edit the group info (or everyone again).
    pub async fn set_group_locked(&self, group: &Jid, locked: bool) -> Result<(), ClientError> {
        self.group_set(iq::set_locked(group, locked)).await
    }

    /// The group's invite link, `https://chat.whatsapp.com/<code>`; `reset` revokes the old
    /// link first. Admins only (`ServerError` 401/403 otherwise).
    pub async fn group_invite_link(&self, group: &Jid, reset: bool) -> Result<String, ClientError> {
        let request = iq::invite_link(group, reset);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(request, None).await?;
            Ok(format!("{}{}", iq::INVITE_LINK_PREFIX, group::parse_invite_code(&answer)?))
        })
        .await
    }

    /// The group of an invite link (the whole link or its code), without joining it. A revoked
    /// or unknown code is `ServerError` 404 (or 406).
    pub async fn group_info_from_link(&self, link: &str) -> Result<GroupInfo, ClientError> {
        let request = iq::invite_info(link);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(request, None).await?;
            Ok(group::parse_group_answer(&answer)?)
        })
        .await
    }

    /// Joins the group of an invite link (the whole link or its code); returns the group.
    /// When an admin must approve, the group is returned and we join once approved.
    pub async fn join_group_with_link(&self, link: &str) -> Result<Jid, ClientError> {
        let request = iq::join_with_link(link);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(request, None).await?;
            let group = group::parse_join_answer(&answer)?;
            // Members are fetched again on the next send.
            inner.messaging.forget_group(&group);
            Ok(group)
        })
        .await
    }

    /// Leaves a group.
    pub async fn leave_group(&self, group: &Jid) -> Result<(), ClientError> {
        let (group, request) = (group.to_non_ad(), iq::leave_group(group));
        self.on_runtime(|inner| async move {
            inner.send_iq(request, None).await?;
            inner.messaging.forget_group(&group);
            Ok(())
        })
        .await
    }

    /// Adds, removes, promotes or demotes members (admins only); one result per listed member,
    /// in the server's order, with the server's error code for those it refused.
    pub async fn update_group_participants(
        &self,
        group: &Jid,
        participants: &[Jid],
        action: ParticipantAction,
    ) -> Result<Vec<ParticipantUpdate>, ClientError> {
        let (group, request) =
            (group.to_non_ad(), iq::update_participants(group, participants, action));
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(request, None).await?;
            let updates = group::parse_participant_updates(&answer, action)?;
            let done: Vec<Jid> =
                updates.iter().filter(|u| u.is_ok()).map(|u| u.jid.clone()).collect();
            for update in updates.iter().filter(|u| u.is_ok()) {
                if let (true, Some(lid)) = (update.jid.is_pn(), &update.lid) {
                    inner.messaging.add_lid(&update.jid.user, &lid.user);
                }
            }
            match action {
                ParticipantAction::Add => inner.update_cached_members(&group, &done, &[]),
                ParticipantAction::Remove => inner.update_cached_members(&group, &[], &done),
                ParticipantAction::Promote | ParticipantAction::Demote => {}
            }
            Ok(updates)
        })
        .await
    }

    /// A `w:g2` set whose answer carries nothing.
    async fn group_set(&self, request: Node) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { inner.send_iq(request, None).await.map(drop) }).await
    }
}

impl Inner {
    /// A group's info by query; refreshes the participants cache.
    pub(crate) async fn fetch_group_info(&self, group: &Jid) -> Result<GroupInfo, ClientError> {
        let answer = self.send_iq(iq::group_info(group), None).await?;
        let info = group::parse_group_answer(&answer)?;
        self.cache_group(&info);
        Ok(info)
    }

    /// A member as the participants cache keeps it: the phone-number user when known.
    fn cached_member(&self, member: &Jid) -> Jid {
        self.pn_user(member)
    }

    /// Saves the members' LID pairs and caches the member list for sending.
    pub(crate) fn cache_group(&self, info: &GroupInfo) {
        if info.participants.is_empty() {
            // An answer that leaves the members out (we are always one): ask again on send.
            self.messaging.forget_group(&info.jid);
            return;
        }
        let mut members = Vec::with_capacity(info.participants.len());
        for p in &info.participants {
            if let (Some(pn), Some(lid)) = (&p.phone_number, &p.lid) {
                self.messaging.add_lid(&pn.user, &lid.user);
            }
            let member = match &p.phone_number {
                Some(pn) => pn.to_non_ad(),
                None => self.cached_member(&p.jid),
            };
            if !members.contains(&member) {
                members.push(member);
            }
        }
        self.messaging.set_group_participants(info.jid.to_non_ad(), members);
    }

    /// Adds and removes members of a cached group (an uncached one is fetched whole on the
    /// next send anyway).
    fn update_cached_members(&self, group: &Jid, joined: &[Jid], left: &[Jid]) {
        let Some(mut members) = self.messaging.group_participants(group) else { return };
        for member in joined.iter().map(|m| self.cached_member(m)) {
            if !members.contains(&member) {
                members.push(member);
            }
        }
        let left: Vec<Jid> = left.iter().map(|m| self.cached_member(m)).collect();
        members.retain(|m| !left.contains(m));
        self.messaging.set_group_participants(group.clone(), members);
    }

    /// Applies a notified change to the cache: members who joined or left; when we left, the
    /// group is forgotten.
    fn apply_group_change(&self, change: &GroupChange) {
        let we_left =
            self.own_jids().is_ok_and(|own| change.leave.iter().any(|m| own.is_own_user(m)));
        if we_left {
            self.messaging.forget_group(&change.jid);
        } else {
            self.update_cached_members(&change.jid, &change.join, &change.leave);
        }
    }
}

/// `<notification type="w:gp2">` (already acked): updates the cache, then emits the event, so
/// a handler that sends at once reaches the new members.
pub(crate) fn handle_notification(inner: &Inner, node: &Node) {
    let (notification, pairs) = match group::parse_group_notification(node) {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::warn!(error = %e, %node, "malformed group notification");
            return;
        }
    };
    for pair in pairs {
        inner.messaging.add_lid(&pair.pn.user, &pair.lid.user);
    }
    match notification {
        GroupNotification::Joined(joined) => {
            inner.cache_group(&joined.group);
            inner.emit(Event::JoinedGroup(Box::new(joined)));
        }
        GroupNotification::Changed(change) => {
            inner.apply_group_change(&change);
            inner.emit(Event::GroupInfo(Box::new(change)));
        }
    }
}
