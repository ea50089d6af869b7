//! The HTTP suite: the sandbox, the server and a webhook receiver on loopback. One test binary for
//! all of them.

mod api;
mod app_state;
mod binary;
mod changes;
mod chat;
mod common;
mod dropin;
mod groups;
mod history;
mod media;
mod users;
