//! What a sandbox is started with.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::faults::FaultSpec;

/// Settings of [`crate::Sandbox::start`].
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port (read it back from the handle).
    pub listen: SocketAddr,
    /// Directory for durable state (accounts, devices, prekeys, keys of the certificate chain);
    /// `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// How long each stanza the server sends takes to reach the client, as across a network
    /// (one way; frames stay pipelined, so throughput is unchanged). Clients such as Baileys
    /// count on the server being at least a round trip away: see [`SandboxConfig::NETWORK_LATENCY`].
    pub latency: Duration,
    /// How long the server takes to authenticate a client after its Noise handshake, before it
    /// answers (`<success>`, `<failure>` or the pairing refs). WhatsApp's answer comes a few
    /// hundred milliseconds after the ClientFinish; a client that needs a moment to switch to
    /// transport mode (Baileys) is safe only if the server takes one: see
    /// [`SandboxConfig::LOGIN_TIME`].
    pub login_time: Duration,
    /// The faults in force from the start (`--faults JSON`; `POST /control/faults` later).
    pub faults: FaultSpec,
}

impl SandboxConfig {
    /// The binary's default latency: a server a few tens of milliseconds away, as WhatsApp's
    /// edge servers are. Baileys switches its Noise reader to transport mode only after its own
    /// ClientFinish write completes; a server that answers faster than that (loopback, no
    /// latency) makes it misread the first encrypted frame (sandbox/README.md, "Learned from
    /// interop").
    pub const NETWORK_LATENCY: Duration = Duration::from_millis(20);

    /// The binary's default login time. Baileys' window for misreading the first frame lasts
    /// until its event loop gets to run again after the ClientFinish write: on a loaded machine
    /// that is longer than a network latency.
    pub const LOGIN_TIME: Duration = Duration::from_millis(200);

    /// In memory, on a free loopback port, with no latency (the in-process tests' setting:
    /// their own client does not need it, and they stay fast).
    pub fn ephemeral() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            latency: Duration::ZERO,
            login_time: Duration::ZERO,
            faults: FaultSpec::default(),
        }
    }

    /// The settings of the binary: a server at network distance that takes its time to log a
    /// client in ([`Self::NETWORK_LATENCY`], [`Self::LOGIN_TIME`]).
    pub fn at_network_distance(self) -> Self {
        Self { latency: Self::NETWORK_LATENCY, login_time: Self::LOGIN_TIME, ..self }
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    pub fn with_faults(mut self, faults: FaultSpec) -> Self {
        self.faults = faults;
        self
    }

    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }
}
