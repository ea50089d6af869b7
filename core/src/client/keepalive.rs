//! Keepalive: `<iq xmlns="w:p" type="get"><ping/></iq>` at a random interval in
//! [`KeepaliveConfig`](super::KeepaliveConfig)'s range. When no ping has been answered for
//! `max_fail_time`, the connection is dropped so the supervisor makes a new one.
use std::sync::Arc;
use std::time::Instant;

use rand::Rng;

use super::connection::{Conn, EndReason};
use super::{ClientError, Inner};
use crate::message::build_ping;

pub(crate) async fn run(inner: Arc<Inner>, conn: Conn) {
    let config = inner.config.keepalive.clone();
    let mut last_success = Instant::now();
    loop {
        let interval = if config.interval_max > config.interval_min {
            rand::thread_rng().gen_range(config.interval_min..=config.interval_max)
        } else {
            config.interval_min
        };
        tokio::time::sleep(interval).await;
        match inner.send_iq(build_ping(), Some(config.response_timeout)).await {
            Ok(_) => last_success = Instant::now(),
            Err(ClientError::IqTimeout) | Err(ClientError::ServerError { .. }) => {
                tracing::warn!(since = ?last_success.elapsed(), "keepalive not answered");
                if last_success.elapsed() > config.max_fail_time {
                    conn.end(EndReason::Dropped("keepalive timed out".into()));
                    return;
                }
            }
            // The connection is gone; its supervisor handles that.
            Err(_) => return,
        }
    }
}
