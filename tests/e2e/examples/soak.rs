//! The long soak (not run by the suite): `cargo run -p wazap-e2e --example soak [ROUNDS]`
//! (default 1112 rounds of 9 messages: 10,008 messages) under the faults (connections
//! dropped every 500 ms, 10 ms delay per frame, a tenth of the stanzas delivered twice).
//! Prints the report; exits 1 if anything was lost, doubled, out of order or undecryptable.
use std::process::ExitCode;
use std::time::Duration;

use wazap_e2e::sandbox;
use wazap_e2e::soak::{run, SoakConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let rounds = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(1112);
    let sandbox = sandbox().await;
    let mut config = SoakConfig::under_faults(rounds, 2026);
    config.settle = Duration::from_secs(300);
    let report = run(&sandbox, &config).await;
    println!("{report}");
    let clean = report.failed_sends == 0
        && report.lost == 0
        && report.doubled == 0
        && report.out_of_order == 0
        && report.undecryptable == 0
        && report.identity_changes == 0;
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
