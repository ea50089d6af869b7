//! `<iq xmlns="w:p" type="get">`: the client's keepalive, answered with the core's pong.
use wazap::binary::Node;

use super::{IqError, IqResult};

pub fn handle(iq: &Node) -> IqResult {
    wazap::message::build_pong(iq).ok_or_else(|| IqError::BadRequest("a ping without id".into()))
}
