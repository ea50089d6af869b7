//! The poll requests: `send_poll`, `vote_poll` and `poll_results`.
use serde::{Deserialize, Serialize};

use super::args::jid;
use super::requests::Request;
use super::Result;
use crate::binary::Jid;
use crate::client::{PollResults, SendResult};
use crate::message::PollCreation;
use crate::Client;

fn one() -> u32 {
    1
}

/// `send_poll`: a poll with `name` and 2 to 12 distinct `options`; `selectable` is how many a
/// voter may choose (default 1; 0: any number).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendPoll {
    #[serde(deserialize_with = "jid")]
    pub to: Jid,
    pub name: String,
    pub options: Vec<String>,
    #[serde(default = "one")]
    pub selectable: u32,
    #[serde(default)]
    pub id: Option<String>,
}

impl Request for SendPoll {
    const NAME: &'static str = "send_poll";
    type Answer = SendResult;
    async fn start(self, client: Client) -> Result<SendResult> {
        let poll =
            PollCreation { name: self.name, options: self.options, selectable: self.selectable };
        Ok(client.send_poll(self.to, &poll, self.id).await?)
    }
}

/// `vote_poll`: our vote in poll `poll_id` (sent or received by this device) for `options`
/// (names; none withdraws the vote).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VotePoll {
    pub poll_id: String,
    #[serde(default)]
    pub options: Vec<String>,
}

impl Request for VotePoll {
    const NAME: &'static str = "vote_poll";
    type Answer = SendResult;
    async fn start(self, client: Client) -> Result<SendResult> {
        Ok(client.vote_poll(&self.poll_id, &self.options).await?)
    }
}

/// `poll_results`: the current count of poll `poll_id`: `{id, chat, sender, name,
/// selectable, options: [{name, voters}]}`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PollResultsRequest {
    pub poll_id: String,
}

impl Request for PollResultsRequest {
    const NAME: &'static str = "poll_results";
    type Answer = PollResults;
    async fn start(self, client: Client) -> Result<PollResults> {
        Ok(client.poll_results(&self.poll_id)?)
    }
}
