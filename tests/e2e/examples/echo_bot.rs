//! The Rust quick start of the README (the part between the `quick-start` markers is quoted
//! there verbatim; tests/end_to_end/readme.rs checks it, tests/end_to_end/quick_start.rs runs
//! `echo_bot` against the sandbox). An echo bot: answers every text message with the same text and marks it read.
//!
//! ```text
//! WAZAP_URL=ws://127.0.0.1:7000/ws/chat WAZAP_ROOT_KEY=<hex> \
//!   cargo run -p wazap-e2e --example echo_bot -- bot.db
//! ```
//! Without the two variables it connects to the real service.

// quick-start:begin
use std::sync::Arc;

use wazap::crypto::PublicKey;
use wazap::store::SqliteStore;
use wazap::types::MessageKind;
use wazap::{Client, ClientConfig, ClientError, Event};

/// Answers every text message with the same text, until the device is logged out.
pub async fn echo_bot(client: Client) -> Result<(), ClientError> {
    let mut events = client.events();
    client.connect().await?;
    while let Some(event) = events.recv().await {
        match event {
            Event::Qr { code, .. } => println!("scan this QR code: {code}"),
            Event::Connected => println!("connected as {:?}; echoing", client.jid()),
            Event::Message { info, message }
                if !info.is_from_me && message.kind() == MessageKind::Text =>
            {
                let Some(text) = message.text() else { continue };
                let sender = info.is_group.then(|| info.sender.clone());
                client.mark_read(std::slice::from_ref(&info.id), info.chat.clone(), sender).await?;
                let sent = client.send_text(info.chat, text).await?;
                println!("echoed {text:?} as {}", sent.id);
            }
            Event::LoggedOut { reason, .. } => {
                println!("logged out ({reason})");
                break;
            }
            _ => {}
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store_path = std::env::args().nth(1).unwrap_or_else(|| "echo_bot.db".to_owned());
    let mut config = ClientConfig::default(); // the real service, unless told otherwise
    if let Ok(url) = std::env::var("WAZAP_URL") {
        config.url = url;
    }
    if let Ok(key) = std::env::var("WAZAP_ROOT_KEY") {
        config.trusted_root = PublicKey::from_bytes(&hex::decode(key)?)?;
    }
    let store = SqliteStore::open(&store_path)?;
    let client = Client::new(Arc::new(store.account("main")), config);
    wazap::runtime::block_on(echo_bot(client))??;
    Ok(())
}
// quick-start:end
