//! Real clients against the sandbox: every feature end to end. One test binary for all of them.

mod app_state;
mod changes;
mod client;
mod groups;
mod history;
mod identity;
mod latency;
mod media;
mod messaging;
mod messaging_restart;
mod phone;
mod quick_start;
mod readme;
mod soak;
mod users;
