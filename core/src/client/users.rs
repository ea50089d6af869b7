//! Users on the client (whatsmeow user.go): is a number on WhatsApp, user info, profile
//! pictures. What the answers reveal (LIDs, device lists) also feeds the caches sending uses.
use std::collections::HashMap;

use super::{Client, ClientError};
use crate::binary::Jid;
use crate::types::{
    Blocklist, BlocklistAction, IsOnWhatsApp, PrivacyCategory, PrivacySettings, PrivacyValue,
    ProfilePicture, UserInfo,
};
use crate::user;

impl Client {
    /// Whether each phone number (international format, `+` optional) has a WhatsApp
    /// account; one result per number the server answers for. A number that is not one is
    /// [`ClientError::InvalidPhone`].
    pub async fn is_on_whatsapp<S: AsRef<str>>(
        &self,
        phones: &[S],
    ) -> Result<Vec<IsOnWhatsApp>, ClientError> {
        let phones = phones
            .iter()
            .map(|p| {
                user::normalize_phone(p.as_ref())
                    .ok_or(ClientError::InvalidPhone("not a phone number"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.on_runtime(|inner| async move {
            let query = user::is_on_whatsapp_query(&inner.next_id(), &phones);
            let answer = inner.send_iq(query, None).await?;
            let results = user::parse_is_on_whatsapp(&answer)?;
            for result in &results {
                if let (true, Some(lid)) = (result.jid.is_pn(), &result.lid) {
                    inner.messaging.add_lid(&result.jid.user, &lid.user);
                }
            }
            Ok(results)
        })
        .await
    }

    /// Status text, profile picture id, devices and LID of each user (phone-number or LID
    /// users), by user as the server names them.
    pub async fn user_info(&self, users: &[Jid]) -> Result<HashMap<Jid, UserInfo>, ClientError> {
        let users = users.to_vec();
        self.on_runtime(|inner| async move {
            let query = user::user_info_query(&inner.next_id(), &users);
            let answer = inner.send_iq(query, None).await?;
            let info = user::parse_user_info(&answer)?;
            for (jid, entry) in &info {
                if let (true, Some(lid)) = (jid.is_pn(), &entry.lid) {
                    inner.messaging.add_lid(&jid.user, &lid.user);
                }
                // A fresh device list is as good as the one a send would fetch.
                if jid.is_pn() && !entry.devices.is_empty() {
                    inner.messaging.set_devices(jid.clone(), entry.devices.clone());
                }
            }
            Ok(info)
        })
        .await
    }

    /// Where to download the profile picture of a user or group (`preview`: the thumbnail);
    /// `None` when there is none (or it is hidden from us: the server says 404 to both).
    pub async fn profile_picture(
        &self,
        jid: &Jid,
        preview: bool,
    ) -> Result<Option<ProfilePicture>, ClientError> {
        let query = user::profile_picture_query(jid, preview);
        self.on_runtime(|inner| async move {
            match inner.send_iq(query, None).await {
                Ok(answer) => Ok(user::parse_profile_picture(&answer)?),
                Err(ClientError::ServerError { code: 404, .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// Sets our own profile picture (`Some(jpeg)`, a square JPEG; WhatsApp shows 640×640) or
    /// removes it (`None`); returns the new picture's id.
    pub async fn set_profile_picture(
        &self,
        jpeg: Option<Vec<u8>>,
    ) -> Result<Option<String>, ClientError> {
        self.set_picture(None, jpeg).await
    }

    /// Sets (`Some(jpeg)`) or removes (`None`) a group's picture: admins, or any member of an
    /// unlocked group. Returns the new picture's id; members get a `picture` notification.
    pub async fn set_group_photo(
        &self,
        group: &Jid,
        jpeg: Option<Vec<u8>>,
    ) -> Result<Option<String>, ClientError> {
        self.set_picture(Some(group.clone()), jpeg).await
    }

    async fn set_picture(
        &self,
        target: Option<Jid>,
        jpeg: Option<Vec<u8>>,
    ) -> Result<Option<String>, ClientError> {
        let query = user::set_picture_query(target.as_ref(), jpeg);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(query, None).await?;
            Ok(user::parse_set_picture(&answer)?)
        })
        .await
    }

    /// The users we blocked.
    pub async fn get_blocklist(&self) -> Result<Blocklist, ClientError> {
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(user::blocklist_query(), None).await?;
            Ok(user::parse_blocklist(&answer)?)
        })
        .await
    }

    /// Blocks or unblocks `user` (by phone number or LID); returns the new list. The server
    /// takes the user by LID: for a phone number, the known LID (asked of the server when
    /// none is known yet). Blocked users' messages no longer reach us.
    pub async fn update_blocklist(
        &self,
        user: &Jid,
        action: BlocklistAction,
    ) -> Result<Blocklist, ClientError> {
        let user = user.to_non_ad();
        let (lid, pn) = if user.is_lid() {
            (Some(user.clone()), self.pn_for_lid(&user))
        } else {
            (self.lid_for_pn(&user), Some(user.clone()))
        };
        let lid = match lid {
            Some(lid) => lid,
            // As whatsmeow: fill the LID map from usync first.
            None => self
                .user_info(std::slice::from_ref(&user))
                .await?
                .remove(&user)
                .and_then(|info| info.lid)
                .ok_or_else(|| {
                    ClientError::BadResponse(format!("the server knows no LID of {user}"))
                })?,
        };
        let query = user::update_blocklist_query(&lid, pn.as_ref(), action);
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(query, None).await?;
            Ok(user::parse_blocklist(&answer)?)
        })
        .await
    }

    /// Our privacy settings, as the server keeps them (whatsmeow `TryFetchPrivacySettings`).
    pub async fn privacy_settings(&self) -> Result<PrivacySettings, ClientError> {
        self.on_runtime(|inner| async move {
            let answer = inner.send_iq(user::privacy_query(), None).await?;
            Ok(user::parse_privacy_answer(&answer)?)
        })
        .await
    }

    /// Sets one privacy setting (whatsmeow `SetPrivacySetting`); returns the settings after
    /// the change, read back from the server. A value the setting does not take is
    /// [`ClientError::InvalidArgument`], and nothing is sent. Our other devices are told by
    /// the server ([`crate::types::Event::PrivacySettings`]).
    pub async fn set_privacy_setting(
        &self,
        category: PrivacyCategory,
        value: PrivacyValue,
    ) -> Result<PrivacySettings, ClientError> {
        let query =
            user::set_privacy_query(category, value).map_err(ClientError::InvalidArgument)?;
        self.on_runtime(|inner| async move {
            inner.send_iq(query, None).await?;
            let answer = inner.send_iq(user::privacy_query(), None).await?;
            Ok(user::parse_privacy_answer(&answer)?)
        })
        .await
    }
}
