//! `wazap-server`: the wuzapi-compatible REST server. See the README for a quick start.
mod cli;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wazap_server::{start, ServerConfig, TlsFiles, WebhookPolicy};

use cli::{Args, LogType};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse_from(cli::wuzapi_spelling(std::env::args()));
    let settings = match args.resolve() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("wazap-server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match settings.log_type {
        LogType::Console => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogType::Json => tracing_subscriber::fmt().json().with_env_filter(filter).init(),
    }
    match run(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wazap-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(settings: cli::Settings) -> Result<(), String> {
    let mut client = settings.client;
    let tls = settings.tls.is_some();
    let sandbox = if settings.sandbox {
        Some(embedded::start(settings.sandbox_listen, &settings.data_dir, &mut client).await?)
    } else {
        None
    };
    let server = start(ServerConfig {
        listen: settings.listen,
        data_dir: settings.data_dir,
        admin_token: settings.admin_token,
        client,
        webhook: WebhookPolicy::default(),
        delivery: settings.delivery,
        tls: settings.tls.map(|(certificate, private_key)| TlsFiles { certificate, private_key }),
        media_body_limit: settings.media_body_limit,
    })
    .await
    .map_err(|e| e.to_string())?;
    if server.admin_token_generated() {
        println!("admin token (generated, saved in the data dir): {}", server.admin_token());
    }
    let scheme = if tls { "https" } else { "http" };
    println!("wazap-server: listening on {scheme}://{}", server.local_addr());
    wait_for_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}

/// The embedded sandbox of `--sandbox` (the `sandbox` feature).
#[cfg(feature = "sandbox")]
mod embedded {
    use std::net::SocketAddr;
    use std::path::Path;

    use wazap::ClientConfig;
    use wazap_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

    /// Starts it (its state under `data_dir`) and points `client` at it.
    pub async fn start(
        listen: SocketAddr,
        data_dir: &Path,
        client: &mut ClientConfig,
    ) -> Result<SandboxHandle, String> {
        let config = SandboxConfig { listen, ..SandboxConfig::ephemeral() }
            .at_network_distance()
            .with_data_dir(data_dir.join("sandbox"));
        let sandbox = Sandbox::start(config).await.map_err(|e| format!("sandbox: {e}"))?;
        client.url = sandbox.ws_url().to_owned();
        client.trusted_root = sandbox.root_public_key();
        println!("sandbox: control API at {}", sandbox.control_url());
        Ok(sandbox)
    }
}

/// A build without the `sandbox` feature refuses `--sandbox`.
#[cfg(not(feature = "sandbox"))]
mod embedded {
    use std::net::SocketAddr;
    use std::path::Path;

    use wazap::ClientConfig;

    pub enum Never {}

    impl Never {
        pub async fn shutdown(self) {
            match self {}
        }
    }

    pub async fn start(_: SocketAddr, _: &Path, _: &mut ClientConfig) -> Result<Never, String> {
        Err("--sandbox: this build has no embedded sandbox (the `sandbox` feature)".into())
    }
}

/// SIGTERM or Ctrl-C.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
