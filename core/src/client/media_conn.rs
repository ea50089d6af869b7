//! `<iq xmlns="w:m" type="set"><media_conn/></iq>`: the media hosts and the upload token,
//! cached for the `ttl` the server gives (whatsmeow mediaconn.go).
use std::time::{Duration, Instant};

use super::{server_iq, ClientError, Inner};
use crate::binary::Node;

/// The server's answer.
#[derive(Clone, Debug)]
pub(crate) struct MediaConn {
    /// Upload token (`auth`), valid for `auth_ttl`.
    pub auth: String,
    /// Host names (`mmg.whatsapp.net`, or a sandbox's `127.0.0.1:port`), in the order to try.
    pub hosts: Vec<String>,
    fetched: Instant,
    ttl: Duration,
}

impl MediaConn {
    fn expired(&self) -> bool {
        self.fetched.elapsed() >= self.ttl
    }
}

/// Reads `<media_conn auth ttl [auth_ttl] [max_buckets]><host hostname/>…</media_conn>`.
pub(crate) fn parse(response: &Node) -> Result<MediaConn, ClientError> {
    let bad = |what: &str| ClientError::BadResponse(format!("media_conn: {what}"));
    let conn = response.child_by_tag("media_conn").ok_or_else(|| bad("no <media_conn/>"))?;
    let auth = conn.attr_str("auth").ok_or_else(|| bad("no auth"))?.to_owned();
    let ttl = conn
        .attr_str("ttl")
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| bad("no valid ttl"))?;
    let hosts: Vec<String> = conn
        .children_by_tag("host")
        .filter_map(|h| h.attr_str("hostname"))
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect();
    if hosts.is_empty() {
        return Err(bad("no host"));
    }
    Ok(MediaConn { auth, hosts, fetched: Instant::now(), ttl: Duration::from_secs(ttl) })
}

/// The cached answer, or a fresh one when it expired or `refresh` is asked.
pub(crate) async fn media_conn(inner: &Inner, refresh: bool) -> Result<MediaConn, ClientError> {
    let mut cached = inner.media_conn.lock().await;
    if let Some(conn) = cached.as_ref().filter(|c| !refresh && !c.expired()) {
        return Ok(conn.clone());
    }
    let response =
        inner.send_iq(server_iq("w:m", "set", vec![Node::new("media_conn")]), None).await?;
    let conn = parse(&response)?;
    *cached = Some(conn.clone());
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hosts_in_order() {
        let response = Node::new("iq").child(
            Node::new("media_conn")
                .attr("auth", "tok")
                .attr("ttl", "300")
                .attr("auth_ttl", "21600")
                .children([
                    Node::new("host").attr("hostname", "mmg.whatsapp.net"),
                    Node::new("host").attr("hostname", "media-fra5-1.cdn.whatsapp.net"),
                ]),
        );
        let conn = parse(&response).unwrap();
        assert_eq!(conn.auth, "tok");
        assert_eq!(conn.hosts, ["mmg.whatsapp.net", "media-fra5-1.cdn.whatsapp.net"]);
        assert!(!conn.expired());
    }

    #[test]
    fn rejects_answers_without_hosts_or_ttl() {
        let no_host =
            Node::new("iq").child(Node::new("media_conn").attr("auth", "t").attr("ttl", "9"));
        assert!(matches!(parse(&no_host), Err(ClientError::BadResponse(_))));
        let no_ttl = Node::new("iq").child(
            Node::new("media_conn")
                .attr("auth", "t")
                .child(Node::new("host").attr("hostname", "h")),
        );
        assert!(matches!(parse(&no_ttl), Err(ClientError::BadResponse(_))));
        assert!(matches!(parse(&Node::new("iq")), Err(ClientError::BadResponse(_))));
    }
}
