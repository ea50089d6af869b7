//! wazap-server: wuzapi's REST API on top of wazap. Each API user owns one WhatsApp session;
//! users and the sessions' keys live in one SQLite file under the data dir; events go to each
//! user's webhook.
//!
//! Modules: [`server`] (start/stop), [`routes`] (one file per endpoint group), [`auth`],
//! [`body`] (case-insensitive JSON bodies), [`data_url`] (files in requests and answers),
//! [`envelope`] (wuzapi's response shape), [`state`] (users), [`session`] (a user's client and
//! event pump), [`webhook`] (delivery queues and body formats), [`webhook_media`] (files embedded in
//! message webhooks), [`wuz_events`], [`wuz_messages`] and
//! [`history_json`] (events in wuzapi's shape), [`message_json`] (protobuf as Go's JSON),
//! [`group_json`] (groups and users as whatsmeow's structs),
//! [`phone`] (recipients), [`recent`] (who wrote recent messages), [`event_types`], [`db`], [`qr`], [`timefmt`].
pub mod auth;
pub mod body;
pub mod data_url;
pub mod db;
pub mod envelope;
pub mod event_types;
pub mod group_json;
pub mod history_json;
pub mod message_json;
pub mod message_json_changes;
pub mod phone;
pub mod qr;
pub mod recent;
pub mod routes;
pub mod server;
pub mod session;
pub mod settings;
pub mod state;
pub mod timefmt;
pub mod tls;
pub mod webhook;
pub mod webhook_media;
pub mod wuz_events;
pub mod wuz_messages;

pub use routes::media::DEFAULT_BODY_LIMIT as DEFAULT_MEDIA_BODY_LIMIT;
pub use server::{start, ServerConfig, ServerHandle, StartError, DB_FILE};
pub use state::DeliveryOptions;
pub use tls::TlsFiles;
pub use webhook::{WebhookFormat, WebhookPolicy, SIGNATURE_HEADER};
pub use webhook_media::MediaPolicy;
