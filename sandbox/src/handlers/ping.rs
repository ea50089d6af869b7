//! `<iq xmlns="w:p" type="get">`: the client's keepalive.
use super::{stanza, IqResult};

pub fn handle(id: &str) -> IqResult {
    Ok(stanza::iq_result(id))
}
