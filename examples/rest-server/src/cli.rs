//! The command line. Each flag also reads an environment variable (`WAZAP_*`); wuzapi's own
//! variables are accepted too: `WUZAPI_ADMIN_TOKEN`, and `WUZAPI_ADDRESS`/`WUZAPI_PORT` for the
//! listen address.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use wazap::crypto::PublicKey;
use wazap::ClientConfig;

/// `--max-media-body-mib` unless told.
const DEFAULT_MEDIA_BODY_MIB: usize = wazap_server::DEFAULT_MEDIA_BODY_LIMIT >> 20;

#[derive(Parser, Debug)]
#[command(name = "wazap-server", version, about = "wuzapi's REST API on wazap")]
pub struct Args {
    /// Address to listen on [default: 0.0.0.0:8080]
    #[arg(long, env = "WAZAP_LISTEN")]
    listen: Option<SocketAddr>,
    /// Data directory (the SQLite database wazap.db; the embedded sandbox's state)
    #[arg(long, env = "WAZAP_DATA", default_value = "./data")]
    data: PathBuf,
    /// Admin token for /admin/*; when absent, one is generated on the first run, printed once
    /// and saved in the database
    #[arg(long, env = "WAZAP_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// WhatsApp websocket URL (a sandbox's ws://…/ws/chat)
    #[arg(long, env = "WAZAP_WA_URL")]
    wa_url: Option<String>,
    /// Hex root public key the server's certificate chain must lead to (a sandbox's)
    #[arg(long, env = "WAZAP_WA_ROOT_KEY")]
    wa_root_key: Option<String>,
    /// Start an embedded sandbox and connect every session to it (offline demo)
    #[arg(long, env = "WAZAP_SANDBOX")]
    sandbox: bool,
    /// Where the embedded sandbox listens (its control API is printed at start)
    #[arg(long, env = "WAZAP_SANDBOX_LISTEN", default_value = "127.0.0.1:8081")]
    sandbox_listen: SocketAddr,
    /// Largest request body of the media endpoints, in MiB (the file travels base64-encoded in
    /// the JSON: about 3/4 of it is file)
    #[arg(long, env = "WAZAP_MAX_MEDIA_BODY_MIB", default_value_t = DEFAULT_MEDIA_BODY_MIB)]
    max_media_body_mib: usize,
}

/// The arguments after defaults, fallbacks and checks.
#[derive(Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub admin_token: Option<String>,
    pub client: ClientConfig,
    pub sandbox: bool,
    pub sandbox_listen: SocketAddr,
    /// In bytes.
    pub media_body_limit: usize,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Args {
    pub fn resolve(self) -> Result<Settings, String> {
        let listen = match self.listen {
            Some(addr) => addr,
            None => {
                let host = env("WUZAPI_ADDRESS").unwrap_or_else(|| "0.0.0.0".to_owned());
                let port = env("WUZAPI_PORT").unwrap_or_else(|| "8080".to_owned());
                format!("{host}:{port}")
                    .parse()
                    .map_err(|e| format!("WUZAPI_ADDRESS/WUZAPI_PORT: {e}"))?
            }
        };
        let admin_token =
            self.admin_token.or_else(|| env("WUZAPI_ADMIN_TOKEN")).filter(|t| !t.trim().is_empty());
        if self.sandbox && (self.wa_url.is_some() || self.wa_root_key.is_some()) {
            return Err(
                "--sandbox targets the embedded sandbox: drop --wa-url/--wa-root-key".into()
            );
        }
        let mut client =
            ClientConfig { device_name: "wazap-server".to_owned(), ..ClientConfig::default() };
        if let Some(url) = self.wa_url {
            client.url = url;
        }
        if let Some(key) = self.wa_root_key {
            let bytes = hex::decode(key.trim()).map_err(|e| format!("--wa-root-key: {e}"))?;
            client.trusted_root = PublicKey::from_bytes(&bytes)
                .map_err(|e| format!("--wa-root-key: {e} (32 or 33 bytes of hex expected)"))?;
        }
        if self.max_media_body_mib == 0 || self.max_media_body_mib > 2048 {
            return Err("--max-media-body-mib: between 1 and 2048".into());
        }
        Ok(Settings {
            media_body_limit: self.max_media_body_mib * 1024 * 1024,
            listen,
            data_dir: self.data,
            admin_token,
            client,
            sandbox: self.sandbox,
            sandbox_listen: self.sandbox_listen,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, String> {
        let mut argv = vec!["wazap-server"];
        argv.extend_from_slice(args);
        Args::try_parse_from(argv).map_err(|e| e.to_string())?.resolve()
    }

    #[test]
    fn defaults_and_flag_names_are_the_contract() {
        let s = parse(&[]).unwrap();
        assert_eq!(s.listen, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert!(!s.sandbox);
        assert_eq!(s.media_body_limit, wazap_server::DEFAULT_MEDIA_BODY_LIMIT);
        assert_eq!(parse(&["--max-media-body-mib", "2"]).unwrap().media_body_limit, 2 << 20);
        let key = "11".repeat(32);
        let s = parse(&[
            "--listen",
            "127.0.0.1:9000",
            "--data",
            "/tmp/x",
            "--admin-token",
            "adm",
            "--wa-url",
            "ws://127.0.0.1:1/ws/chat",
            "--wa-root-key",
            &key,
        ])
        .unwrap();
        assert_eq!(s.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(s.admin_token.as_deref(), Some("adm"));
        assert_eq!(s.client.url, "ws://127.0.0.1:1/ws/chat");
        assert_eq!(s.client.trusted_root.0, [0x11; 32]);
        assert!(parse(&["--sandbox"]).unwrap().sandbox);
    }

    #[test]
    fn contradictions_and_bad_keys_are_refused() {
        assert!(parse(&["--sandbox", "--wa-url", "ws://x"]).unwrap_err().contains("--sandbox"));
        assert!(parse(&["--wa-root-key", "zz"]).unwrap_err().contains("--wa-root-key"));
        assert!(parse(&["--wa-root-key", "1122"]).unwrap_err().contains("32 or 33 bytes"));
        assert!(parse(&["--listen", "nope"]).is_err());
        assert!(parse(&["--max-media-body-mib", "0"]).unwrap_err().contains("max-media-body"));
    }
}
