//! `wazap-sandbox --listen 127.0.0.1:0 [--data DIR] [--latency-ms N] [--login-ms N] [--faults
//! JSON]`: prints one JSON line with the sandbox's addresses and root key on stdout when ready,
//! then logs to stderr (`RUST_LOG` filters).
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use wazap_sandbox::{FaultSpec, Sandbox, SandboxConfig};

const USAGE: &str =
    "usage: wazap-sandbox [--listen ADDR] [--data DIR] [--latency-ms N] [--login-ms N] \
    [--faults JSON]\n  \
    --listen ADDR   address to listen on (default 127.0.0.1:0, a free port)\n  \
    --data DIR      keep accounts, devices and keys in DIR (default: in memory)\n  \
    --latency-ms N  delay each stanza sent to a client by N ms, as a server at network \
    distance (default 20; 0 for none)\n  \
    --login-ms N    take N ms to log a client in after its handshake (default 200; 0 for none)\n  \
    --faults JSON   inject faults from the start, as POST /control/faults takes them: \
    {\"drop_every_ms\":N, \"delay_ms\":M, \"handshake_fail_ratio\":R, \"stream_error\":\
    \"515|conflict|401|503|none\", \"media_5xx_ratio\":Q, \"duplicate_delivery_ratio\":D, \
    \"seed\":S}";

fn parse_args(args: impl Iterator<Item = String>) -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig::ephemeral().at_network_distance();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value =
            || inline.clone().or_else(|| args.next()).ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                config.listen =
                    v.parse::<SocketAddr>().map_err(|e| format!("--listen {v}: {e}"))?;
            }
            "--data" => config.data_dir = Some(PathBuf::from(value()?)),
            "--latency-ms" => {
                let v = value()?;
                let ms = v.parse::<u64>().map_err(|e| format!("--latency-ms {v}: {e}"))?;
                config.latency = Duration::from_millis(ms);
            }
            "--login-ms" => {
                let v = value()?;
                let ms = v.parse::<u64>().map_err(|e| format!("--login-ms {v}: {e}"))?;
                config.login_time = Duration::from_millis(ms);
            }
            "--faults" => {
                let v = value()?;
                let spec: FaultSpec =
                    serde_json::from_str(&v).map_err(|e| format!("--faults {v}: {e}"))?;
                spec.validate().map_err(|e| format!("--faults: {e}"))?;
                config.faults = spec;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("wazap-sandbox: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let mut sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("wazap-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", sandbox.ready_line()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    tokio::select! {
        _ = sandbox.wait() => {}
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("interrupted; shutting down");
            sandbox.shutdown().await;
        }
    }
    ExitCode::SUCCESS
}
