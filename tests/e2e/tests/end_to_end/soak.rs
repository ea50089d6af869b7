//! The soak under the faults (connections dropped every 500 ms, frames delayed, a
//! tenth of the stanzas delivered twice), bounded: every message arrives exactly once and in
//! order per chat, none stays undecryptable, no identity changes, and the retry-receipt path
//! was taken. The long run is `examples/soak.rs`.
use wazap_e2e::sandbox;
use wazap_e2e::soak::{run, SoakConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_or_doubled_while_connections_drop_and_stanzas_come_twice() {
    // RUST_LOG shows what the client and the sandbox did (nothing by default).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let sandbox = sandbox().await;
    let report = run(&sandbox, &SoakConfig::under_faults(120, 19)).await;
    eprintln!("soak: {report}");
    assert_eq!(report.failed_sends, 0, "{report}");
    assert_eq!(report.sent, 120 * 9, "{report}");
    assert_eq!(report.lost, 0, "{report}");
    assert_eq!(report.doubled, 0, "{report}");
    assert_eq!(report.delivered_once, report.expected, "{report}");
    assert_eq!(report.out_of_order, 0, "{report}");
    assert_eq!(report.undecryptable, 0, "{report}");
    assert_eq!(report.identity_changes, 0, "{report}");
    assert!(report.retry_receipts >= 1, "the retry path was taken: {report}");
    assert!(report.placeholders >= 1, "{report}");
    let injected = &report.faults["injected"];
    assert!(injected["connections_dropped"].as_u64() >= Some(2), "{report}");
    assert!(injected["stanzas_duplicated"].as_u64() >= Some(1), "{report}");
    assert!(report.disconnects >= 2, "{report}");
}
