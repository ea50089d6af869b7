//! The client's runtime against fake servers: sockets, pairing, Signal sessions, message encryption
//! and the stores. One test binary for all of them (runtime_fork forks, so it keeps its own).

mod client_fake;
mod client_groups;
mod client_proxy;
mod fake_server;
mod message_direct;
mod message_errors;
mod message_format;
mod message_group;
mod message_lid;
mod message_sqlite;
mod message_support;
mod pair_code;
mod pair_qr;
mod pair_success;
mod signal_sessions;
mod signal_sqlite_store;
mod socket_loopback;
mod sqlite_contention;
