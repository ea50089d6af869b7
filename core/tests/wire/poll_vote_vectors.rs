//! Poll votes against `tests/vectors/poll_vote.json` (whatsmeow's EncryptPollVote, re-read by
//! Baileys' decryptPollVote when generated): each vote decrypts to the options chosen, our
//! encryption with the same IV gives whatsmeow's bytes, and a wrong secret, poll, voter or a
//! flipped bit is refused.
use prost::Message as _;
use serde_json::Value;
use wazap::binary::Jid;
use wazap::message::secret::{
    decrypt_poll_vote, encrypt_poll_vote, poll_option_hash, PollRef, PollVoteError,
};
use wazap::proto;

use crate::common::{hex, load_own};

fn jid(v: &Value) -> Jid {
    v.as_str().unwrap().parse().unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[test]
fn whatsmeow_votes_decrypt_and_encrypt_to_the_same_bytes() {
    let v = load_own("poll_vote.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let (sender, voter) = (jid(&c["poll_sender"]), jid(&c["voter"]));
        let secret = hex(&c["message_secret"]);
        let poll = PollRef { id: c["poll_id"].as_str().unwrap(), sender: &sender, secret: &secret };
        let update = proto::PollUpdateMessage::decode(hex(&c["poll_update_message"]).as_slice())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let key = update.poll_creation_message_key.as_ref().unwrap();
        assert_eq!(key.id(), poll.id, "{name}");
        let vote = update.vote.unwrap();
        assert_eq!(vote.enc_iv(), hex(&c["enc_iv"]).as_slice());
        let hashes =
            decrypt_poll_vote(&poll, &voter, &vote).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Vec<Vec<u8>> =
            c["selected_hashes"].as_array().unwrap().iter().map(hex).collect();
        assert_eq!(hashes.iter().map(|h| h.to_vec()).collect::<Vec<_>>(), expected, "{name}");
        let selected = strings(&c["selected"]);
        for (h, s) in hashes.iter().zip(&selected) {
            assert_eq!(*h, poll_option_hash(s), "{name}: {s}");
        }
        let iv: [u8; 12] = hex(&c["enc_iv"]).try_into().unwrap();
        let options: Vec<&str> = selected.iter().map(String::as_str).collect();
        let ours = encrypt_poll_vote(&poll, &voter, &options, iv);
        assert_eq!(ours.enc_payload(), hex(&c["enc_payload"]).as_slice(), "{name}");
    }
}

#[test]
fn a_vote_opens_only_for_its_poll_and_voter() {
    let v = load_own("poll_vote.json");
    let c = &v["cases"][0];
    let (sender, voter) = (jid(&c["poll_sender"]), jid(&c["voter"]));
    let secret = hex(&c["message_secret"]);
    let id = c["poll_id"].as_str().unwrap();
    let vote = proto::PollEncValue {
        enc_payload: Some(hex(&c["enc_payload"])),
        enc_iv: Some(hex(&c["enc_iv"])),
    };
    let poll = PollRef { id, sender: &sender, secret: &secret };
    assert!(decrypt_poll_vote(&poll, &voter, &vote).is_ok());
    let other_voter: Jid = "15550009999@s.whatsapp.net".parse().unwrap();
    assert_eq!(decrypt_poll_vote(&poll, &other_voter, &vote), Err(PollVoteError::Decrypt));
    let wrong_secret = [0u8; 32];
    let p = PollRef { id, sender: &sender, secret: &wrong_secret };
    assert_eq!(decrypt_poll_vote(&p, &voter, &vote), Err(PollVoteError::Decrypt));
    let p = PollRef { id: "3EB0FFFF", sender: &sender, secret: &secret };
    assert_eq!(decrypt_poll_vote(&p, &voter, &vote), Err(PollVoteError::Decrypt));
    // The voter's device does not matter: keys are derived from JIDs without devices.
    let on_device = voter.clone().with_device(3);
    assert!(decrypt_poll_vote(&poll, &on_device, &vote).is_ok());
    let mut flipped = vote.clone();
    flipped.enc_payload.as_mut().unwrap()[0] ^= 1;
    assert_eq!(decrypt_poll_vote(&poll, &voter, &flipped), Err(PollVoteError::Decrypt));
    let short_iv = proto::PollEncValue { enc_iv: Some(vec![1, 2, 3]), ..vote };
    assert_eq!(decrypt_poll_vote(&poll, &voter, &short_iv), Err(PollVoteError::Decrypt));
}
