//! What a sandbox is started with.
use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings of [`crate::Sandbox::start`].
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port (read it back from the handle).
    pub listen: SocketAddr,
    /// Directory for durable state (accounts, devices, prekeys, keys of the certificate chain);
    /// `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
}

impl SandboxConfig {
    /// In memory, on a free loopback port.
    pub fn ephemeral() -> Self {
        Self { listen: SocketAddr::from(([127, 0, 0, 1], 0)), data_dir: None }
    }

    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }
}
