//! The command line. Each flag also reads an environment variable (`WAZAP_*`); wuzapi's own
//! variables are accepted too: `WUZAPI_ADMIN_TOKEN`, and `WUZAPI_ADDRESS`/`WUZAPI_PORT` for the
//! listen address.
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use wazap::crypto::PublicKey;
use wazap::ClientConfig;
use wazap_server::{DeliveryOptions, MediaPolicy, WebhookFormat};

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
    #[arg(long, alias = "admintoken", env = "WAZAP_ADMIN_TOKEN")]
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
    /// Webhook body format: `form` (wuzapi's default: jsonData=<event JSON>&token=…) or `json`
    #[arg(long, env = "WEBHOOK_FORMAT", default_value = "form")]
    webhook_format: String,
    /// A webhook that receives every user's events (wuzapi's -globalwebhook)
    #[arg(long = "globalwebhook", env = "WUZAPI_GLOBAL_WEBHOOK")]
    global_webhook: Option<String>,
    /// Key signing the global webhook's requests (x-hmac-signature; wuzapi's -globalhmackey)
    #[arg(long = "globalhmackey", env = "WUZAPI_GLOBAL_HMAC_KEY")]
    global_hmac_key: Option<String>,
    /// Do not download and embed the files of media messages in their webhooks (wuzapi's
    /// -skipmedia)
    #[arg(long = "skipmedia", env = "WAZAP_SKIP_MEDIA")]
    skip_media: bool,
    /// Largest file embedded in a message webhook, in MiB (larger ones are left out)
    #[arg(long, env = "WAZAP_WEBHOOK_MEDIA_MAX_MIB", default_value_t = DEFAULT_WEBHOOK_MEDIA_MIB)]
    webhook_media_max_mib: u64,
    /// The device name the phone shows under Linked devices (wuzapi's -osname)
    #[arg(long = "osname", env = "SESSION_DEVICE_NAME", default_value = "wazap-server")]
    os_name: String,
    /// Log format: `console` or `json` (wuzapi's -logtype)
    #[arg(long = "logtype", env = "WAZAP_LOG_TYPE", default_value = "console")]
    log_type: String,
    /// PEM certificate chain: serve HTTPS (wuzapi's -sslcertificate; with -sslprivatekey)
    #[arg(long = "sslcertificate", env = "WAZAP_SSL_CERTIFICATE")]
    ssl_certificate: Option<PathBuf>,
    /// PEM private key of -sslcertificate (wuzapi's -sslprivatekey)
    #[arg(long = "sslprivatekey", env = "WAZAP_SSL_PRIVATE_KEY")]
    ssl_private_key: Option<PathBuf>,
}

/// wuzapi's flags, which Go also takes with one dash (`-skipmedia`): rewritten to two.
const WUZAPI_FLAGS: &[&str] = &[
    "admintoken",
    "globalwebhook",
    "globalhmackey",
    "skipmedia",
    "osname",
    "logtype",
    "sslcertificate",
    "sslprivatekey",
];

/// The command line with wuzapi's one-dash flags as clap's two-dash ones.
pub fn wuzapi_spelling(args: impl IntoIterator<Item = String>) -> Vec<String> {
    args.into_iter()
        .map(|arg| {
            let name = arg.strip_prefix('-').filter(|rest| !rest.starts_with('-'));
            match name {
                Some(rest) if WUZAPI_FLAGS.contains(&rest.split('=').next().unwrap_or("")) => {
                    format!("-{arg}")
                }
                _ => arg,
            }
        })
        .collect()
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogType {
    Console,
    Json,
}

/// `--webhook-media-max-mib` unless told.
const DEFAULT_WEBHOOK_MEDIA_MIB: u64 = wazap_server::webhook_media::DEFAULT_LIMIT >> 20;

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
    pub delivery: DeliveryOptions,
    pub log_type: LogType,
    /// Certificate and key files: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
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
        let os_name = self.os_name.trim();
        if os_name.is_empty() {
            return Err("--osname must not be empty".into());
        }
        let mut client =
            ClientConfig { device_name: os_name.to_owned(), ..ClientConfig::default() };
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
        let format: WebhookFormat =
            self.webhook_format.parse().map_err(|e| format!("WEBHOOK_FORMAT: {e}"))?;
        let global_webhook = self.global_webhook.unwrap_or_default().trim().to_owned();
        if !global_webhook.is_empty() {
            let url = url_scheme(&global_webhook)?;
            if !matches!(url.as_str(), "http" | "https") {
                return Err("--globalwebhook: an http:// or https:// URL is required".into());
            }
        }
        let delivery = DeliveryOptions {
            format,
            global_webhook,
            global_hmac_key: self.global_hmac_key.unwrap_or_default(),
            media: MediaPolicy { skip: self.skip_media, limit: self.webhook_media_max_mib << 20 },
        };
        let log_type = match self.log_type.trim().to_ascii_lowercase().as_str() {
            "console" | "" => LogType::Console,
            "json" => LogType::Json,
            other => return Err(format!("--logtype: {other:?} (console or json)")),
        };
        let tls = match (self.ssl_certificate, self.ssl_private_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => return Err("--sslcertificate and --sslprivatekey go together".into()),
        };
        Ok(Settings {
            log_type,
            tls,
            delivery,
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

/// The scheme of `url`, checked to be an absolute URL.
fn url_scheme(url: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("--globalwebhook: {url:?} is not an absolute URL"))?;
    if rest.is_empty() {
        return Err(format!("--globalwebhook: {url:?} has no host"));
    }
    Ok(scheme.to_ascii_lowercase())
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
        let s = parse(&[
            "--webhook-format",
            "json",
            "--globalwebhook",
            "http://127.0.0.1:9/all",
            "--globalhmackey",
            "k",
            "--skipmedia",
        ])
        .unwrap();
        assert_eq!(s.delivery.format, WebhookFormat::Json);
        assert_eq!(s.delivery.global_webhook, "http://127.0.0.1:9/all");
        assert_eq!(s.delivery.global_hmac_key, "k");
        assert!(s.delivery.media.skip);
        assert_eq!(parse(&[]).unwrap().delivery.format, WebhookFormat::Form);
        let s = parse(&["--osname", "Mac OS 10", "--logtype", "json"]).unwrap();
        assert_eq!((s.client.device_name.as_str(), s.log_type), ("Mac OS 10", LogType::Json));
        assert_eq!(parse(&[]).unwrap().client.device_name, "wazap-server");
    }

    #[test]
    fn wuzapi_one_dash_flags_are_accepted() {
        let argv = ["wazap-server", "-skipmedia", "-osname=Linux", "-logtype", "json", "-x"];
        let rewritten = wuzapi_spelling(argv.iter().map(|a| (*a).to_owned()));
        assert_eq!(
            rewritten,
            ["wazap-server", "--skipmedia", "--osname=Linux", "--logtype", "json", "-x"]
        );
        let s = Args::try_parse_from(&rewritten[..5]).unwrap().resolve().unwrap();
        assert!(s.delivery.media.skip);
        assert_eq!(s.client.device_name, "Linux");
        let s = parse(&["--admintoken", "a"]).unwrap();
        assert_eq!(s.admin_token.as_deref(), Some("a"));
    }

    #[test]
    fn contradictions_and_bad_keys_are_refused() {
        assert!(parse(&["--sandbox", "--wa-url", "ws://x"]).unwrap_err().contains("--sandbox"));
        assert!(parse(&["--wa-root-key", "zz"]).unwrap_err().contains("--wa-root-key"));
        assert!(parse(&["--wa-root-key", "1122"]).unwrap_err().contains("32 or 33 bytes"));
        assert!(parse(&["--listen", "nope"]).is_err());
        assert!(parse(&["--max-media-body-mib", "0"]).unwrap_err().contains("max-media-body"));
        assert!(parse(&["--webhook-format", "xml"]).unwrap_err().contains("WEBHOOK_FORMAT"));
        assert!(parse(&["--globalwebhook", "ftp://x/y"]).unwrap_err().contains("http"));
        assert!(parse(&["--logtype", "xml"]).unwrap_err().contains("logtype"));
        assert!(parse(&["--sslcertificate", "c.pem"]).unwrap_err().contains("together"));
    }
}
