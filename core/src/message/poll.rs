//! Polls: creating one (with the message secret its votes are sealed under), reading a
//! received poll, building and reading votes, and counting them (whatsmeow
//! `BuildPollCreation`/`BuildPollVote`/`getOrigSenderFromKey`, Baileys
//! `getAggregateVotesInPollMessage`). The vote cipher itself is [`super::secret`].
use crate::binary::{Jid, Server};
use crate::proto;

use super::secret::{encrypt_poll_vote, poll_option_hash, PollRef};

/// Most options a poll may have (WhatsApp's apps offer 12).
pub const MAX_POLL_OPTIONS: usize = 12;

/// A poll as its creation message states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollCreation {
    pub name: String,
    pub options: Vec<String>,
    /// How many options a voter may choose; 0 means any number.
    pub selectable: u32,
}

/// Why a poll cannot be built or a vote cast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    #[error("a poll needs a name")]
    NoName,
    #[error("a poll needs 2 to {MAX_POLL_OPTIONS} options, got {0}")]
    OptionCount(usize),
    #[error("poll options must be distinct and not empty")]
    BadOptions,
    #[error("selectable must be 0 (any number) or at most the number of options")]
    Selectable,
    #[error("{0:?} is not an option of the poll")]
    UnknownOption(String),
    #[error("the poll allows {0} choice(s)")]
    TooManyChoices(u32),
    #[error("poll {0} is not known here (neither sent nor received by this device)")]
    UnknownPoll(String),
}

/// A poll creation message: `pollCreationMessage{name, options, selectableOptionsCount}` with
/// `messageContextInfo.messageSecret` (whatsmeow writes the v1 field for single and multiple
/// choice alike; receivers read v1, v2 and v3).
pub fn poll_creation(poll: &PollCreation, secret: [u8; 32]) -> Result<proto::Message, PollError> {
    if poll.name.trim().is_empty() {
        return Err(PollError::NoName);
    }
    if !(2..=MAX_POLL_OPTIONS).contains(&poll.options.len()) {
        return Err(PollError::OptionCount(poll.options.len()));
    }
    let mut seen = std::collections::HashSet::new();
    if poll.options.iter().any(|o| o.trim().is_empty() || !seen.insert(o.as_str())) {
        return Err(PollError::BadOptions);
    }
    if poll.selectable as usize > poll.options.len() {
        return Err(PollError::Selectable);
    }
    Ok(proto::Message {
        poll_creation_message: Some(Box::new(proto::PollCreationMessage {
            name: Some(poll.name.clone()),
            options: poll
                .options
                .iter()
                .map(|o| proto::poll_creation_message::Option {
                    option_name: Some(o.clone()),
                    option_hash: None,
                })
                .collect(),
            selectable_options_count: Some(poll.selectable),
            ..Default::default()
        })),
        message_context_info: Some(proto::MessageContextInfo {
            message_secret: Some(secret.to_vec()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The poll `message` creates (any of the three creation fields), and its message secret
/// when it carries one.
pub fn poll_of(message: &proto::Message) -> Option<(PollCreation, Option<&[u8]>)> {
    let creation = [
        &message.poll_creation_message,
        &message.poll_creation_message_v2,
        &message.poll_creation_message_v3,
    ]
    .into_iter()
    .find_map(|p| p.as_deref())?;
    let poll = PollCreation {
        name: creation.name().to_owned(),
        options: creation.options.iter().map(|o| o.option_name().to_owned()).collect(),
        selectable: creation.selectable_options_count(),
    };
    let secret = message.message_context_info.as_ref().and_then(|c| c.message_secret.as_deref());
    Some((poll, secret))
}

/// The vote of `voter` for `options` (names; none withdraws the vote) of the poll `key`
/// names, sealed with `iv`: `pollUpdateMessage{pollCreationMessageKey, vote, senderTimestampMs}`.
/// Checks the options against `poll`.
pub fn poll_vote(
    key: proto::MessageKey,
    poll: &PollRef<'_>,
    creation: &PollCreation,
    voter: &Jid,
    options: &[&str],
    iv: [u8; 12],
    sender_timestamp_ms: i64,
) -> Result<proto::Message, PollError> {
    if let Some(unknown) = options.iter().find(|o| !creation.options.iter().any(|c| c == *o)) {
        return Err(PollError::UnknownOption((*unknown).to_owned()));
    }
    if creation.selectable > 0 && options.len() > creation.selectable as usize {
        return Err(PollError::TooManyChoices(creation.selectable));
    }
    let vote = encrypt_poll_vote(poll, voter, options, iv);
    Ok(proto::Message {
        poll_update_message: Some(proto::PollUpdateMessage {
            poll_creation_message_key: Some(key),
            vote: Some(vote),
            metadata: None,
            sender_timestamp_ms: Some(sender_timestamp_ms),
        }),
        ..Default::default()
    })
}

/// Who sent the poll a vote's key names, as whatsmeow reads it: `fromMe` means the voter
/// itself; else the chat in a 1:1 chat, the `participant` in a group.
pub fn poll_sender(key: &proto::MessageKey, chat: &Jid, voter: &Jid) -> Option<Jid> {
    if key.from_me() {
        return Some(voter.to_non_ad());
    }
    let text = match chat.server {
        Server::Pn | Server::Lid => key.remote_jid(),
        _ => key.participant(),
    };
    text.parse::<Jid>().ok().map(|j| j.to_non_ad())
}

/// One option's count: its name and who chose it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionVotes {
    pub name: String,
    pub voters: Vec<Jid>,
}

/// The current count of a poll: each voter's latest choice (`votes`: voter and the option
/// hashes chosen), per option in the poll's order. A hash no option has (a vote for an option
/// this poll does not list) counts under the name `""` at the end.
pub fn tally(options: &[String], votes: &[(Jid, Vec<[u8; 32]>)]) -> Vec<OptionVotes> {
    let mut out: Vec<OptionVotes> =
        options.iter().map(|o| OptionVotes { name: o.clone(), voters: Vec::new() }).collect();
    let hashes: Vec<[u8; 32]> = options.iter().map(|o| poll_option_hash(o)).collect();
    let mut unknown = OptionVotes { name: String::new(), voters: Vec::new() };
    for (voter, chosen) in votes {
        for hash in chosen {
            match hashes.iter().position(|h| h == hash) {
                Some(i) => out[i].voters.push(voter.clone()),
                None if !unknown.voters.contains(voter) => unknown.voters.push(voter.clone()),
                None => {}
            }
        }
    }
    if !unknown.voters.is_empty() {
        out.push(unknown);
    }
    out
}

/// The names of the options `hashes` choose (hashes no option has are left out).
pub fn option_names(options: &[String], hashes: &[[u8; 32]]) -> Vec<String> {
    options.iter().filter(|o| hashes.contains(&poll_option_hash(o))).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::secret::decrypt_poll_vote;
    use crate::message::{message_key, message_type};

    fn poll() -> PollCreation {
        PollCreation {
            name: "Lunch?".into(),
            options: vec!["Pizza".into(), "Sushi".into(), "Salad".into()],
            selectable: 2,
        }
    }

    #[test]
    fn a_poll_carries_its_secret_and_reads_back() {
        let message = poll_creation(&poll(), [7; 32]).unwrap();
        assert_eq!(message_type(&message), "poll");
        let (read, secret) = poll_of(&message).unwrap();
        assert_eq!(read, poll());
        assert_eq!(secret, Some(&[7u8; 32][..]));
        let bad = |p: PollCreation| poll_creation(&p, [0; 32]).unwrap_err();
        assert_eq!(bad(PollCreation { name: " ".into(), ..poll() }), PollError::NoName);
        assert_eq!(
            bad(PollCreation { options: vec!["a".into()], ..poll() }),
            PollError::OptionCount(1)
        );
        assert_eq!(
            bad(PollCreation { options: vec!["a".into(), "a".into()], ..poll() }),
            PollError::BadOptions
        );
        assert_eq!(bad(PollCreation { selectable: 4, ..poll() }), PollError::Selectable);
    }

    #[test]
    fn a_vote_opens_with_the_secret_and_counts() {
        let group: Jid = "123-456@g.us".parse().unwrap();
        let creator: Jid = "15550001111@s.whatsapp.net".parse().unwrap();
        let voter: Jid = "15550002222:4@s.whatsapp.net".parse().unwrap();
        let secret = [9u8; 32];
        let reference = PollRef { id: "P1", sender: &creator, secret: &secret };
        let key = message_key(&group, &creator, "P1", false);
        let vote =
            poll_vote(key, &reference, &poll(), &voter, &["Sushi", "Salad"], [1; 12], 5).unwrap();
        let update = vote.poll_update_message.as_ref().unwrap();
        let key = update.poll_creation_message_key.as_ref().unwrap();
        assert_eq!(poll_sender(key, &group, &voter), Some(creator.clone()));
        let hashes = decrypt_poll_vote(&reference, &voter, update.vote.as_ref().unwrap()).unwrap();
        assert_eq!(option_names(&poll().options, &hashes), ["Sushi", "Salad"]);
        let err = |o: &[&str]| {
            let key = message_key(&group, &creator, "P1", false);
            poll_vote(key, &reference, &poll(), &voter, o, [1; 12], 5).unwrap_err()
        };
        assert_eq!(err(&["Tacos"]), PollError::UnknownOption("Tacos".into()));
        assert_eq!(err(&["Pizza", "Sushi", "Salad"]), PollError::TooManyChoices(2));

        let other: Jid = "15550003333@s.whatsapp.net".parse().unwrap();
        let counted = tally(
            &poll().options,
            &[
                (voter.to_non_ad(), hashes),
                (other.clone(), vec![poll_option_hash("Sushi"), [0; 32]]),
            ],
        );
        assert_eq!(counted[0].voters, Vec::<Jid>::new());
        assert_eq!(counted[1].voters, vec![voter.to_non_ad(), other.clone()]);
        assert_eq!(counted[2].voters, vec![voter.to_non_ad()]);
        assert_eq!((counted[3].name.as_str(), &counted[3].voters), ("", &vec![other]));
    }
}
