//! examples/c/pair_and_send.c, compiled with `cc` against include/wazap.h and the built
//! library, run against an in-process sandbox: the harness plays the two phones (it scans the
//! QR codes the program prints; the program then sends from A to B and receives on B) and checks the program's output and exit status. Also run under
//! valgrind (memcheck; definite leaks count as errors) when valgrind is installed.
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[path = "c_example/installed.rs"]
mod installed;

/// Bound on a whole run of the program (valgrind makes it much slower).
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

/// The directory holding libwazap_ffi.so / libwazap_ffi.a, built (or brought up to date) first: cargo
/// does not build a cdylib/staticlib-only library for integration tests.
fn library_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = std::process::Command::new(cargo)
                .args(["build", "-p", "wazap-ffi"])
                .current_dir(repo_root())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "cargo build -p wazap-ffi failed");
            let exe = std::env::current_exe().expect("test binary path");
            let dir = exe.parent().and_then(Path::parent).expect("target profile dir");
            assert!(
                dir.join("libwazap_ffi.so").exists() && dir.join("libwazap_ffi.a").exists(),
                "no libwazap_ffi.so/.a in {}",
                dir.display()
            );
            dir.to_path_buf()
        })
        .clone()
}

/// Compiles the example; `static_link` picks libwazap_ffi.a over libwazap_ffi.so.
fn compile(static_link: bool) -> PathBuf {
    let lib = library_dir();
    let out_dir = lib.join("c-examples");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(if static_link { "pair_and_send_static" } else { "pair_and_send" });
    let root = repo_root();
    let mut cc = std::process::Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
        .arg(root.join("include"))
        .arg(root.join("examples/c/pair_and_send.c"))
        .arg("-o")
        .arg(&exe);
    if static_link {
        // The system libraries the Rust standard library and SQLite need
        // (`cargo rustc -- --print native-static-libs`).
        cc.arg(lib.join("libwazap_ffi.a")).args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ]);
    } else {
        cc.arg("-L").arg(&lib).arg("-lwazap_ffi").arg(format!("-Wl,-rpath,{}", lib.display()));
    }
    let output = cc.output().expect("cc runs (is a C compiler installed?)");
    assert!(output.status.success(), "cc failed:\n{}", String::from_utf8_lossy(&output.stderr));
    exe
}

fn valgrind_installed() -> bool {
    std::process::Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `program` (optionally under `wrapper`; `tag` names its store) against a fresh sandbox, pairing it when it
/// prints its QR codes; returns its stdout lines.
async fn run(tag: &str, program: &Path, wrapper: &[String]) -> Vec<String> {
    let sandbox = wazap_e2e::sandbox().await;
    let (phone_a, phone_b) = ("15550200001", "15550200002");
    wazap_e2e::create_account(&sandbox, phone_a).await;
    wazap_e2e::create_account(&sandbox, phone_b).await;
    let store = |who: &str| {
        std::env::temp_dir().join(format!("wazap-c-example-{}-{tag}-{who}.db", std::process::id()))
    };
    let stores = [store("a"), store("b")];
    for path in &stores {
        let _ = std::fs::remove_file(path);
    }

    let mut command = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    };
    command
        .arg(sandbox.ws_url())
        .arg(hex::encode(sandbox.root_public_key().0))
        .arg(&stores[0])
        .arg(&stores[1])
        .arg(phone_b)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("the example starts");
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stderr_text = tokio::spawn(async move {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        text
    });

    let conversation = async {
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(code) = line.strip_prefix("QR A ") {
                wazap_e2e::scan_qr(sandbox.local_addr(), phone_a, code).await;
            } else if let Some(code) = line.strip_prefix("QR B ") {
                wazap_e2e::scan_qr(sandbox.local_addr(), phone_b, code).await;
            }
            seen.push(line);
        }
        let status = child.wait().await.expect("wait for the example");
        (seen, status)
    };
    let (lines, status) = tokio::time::timeout(RUN_TIMEOUT, conversation)
        .await
        .expect("the example finishes in time");
    let stderr = stderr_text.await.unwrap();
    for path in &stores {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    assert!(status.success(), "exit {status}\nstdout: {lines:?}\nstderr:\n{stderr}");
    sandbox.shutdown().await;
    lines
}

fn check_output(lines: &[String]) {
    for (label, phone) in [("A", "15550200001:"), ("B", "15550200002:")] {
        let prefix = format!("PAIRED {label} ");
        let paired = lines.iter().find_map(|l| l.strip_prefix(prefix.as_str())).expect("PAIRED");
        let status: serde_json::Value = serde_json::from_str(paired).expect("status JSON");
        assert_eq!(status["logged_in"], true, "{status}");
        assert!(status["jid"].as_str().is_some_and(|j| j.starts_with(phone)), "{status}");
    }
    let sent = lines.iter().find_map(|l| l.strip_prefix("SENT ")).expect("a SENT line");
    let sent: serde_json::Value = serde_json::from_str(sent).expect("send result JSON");
    let id = sent["id"].as_str().expect("message id");
    assert!(sent["timestamp"].as_u64().is_some_and(|t| t > 0), "{sent}");
    let received = lines.iter().find_map(|l| l.strip_prefix("RECEIVED ")).expect("RECEIVED");
    let received: serde_json::Value = serde_json::from_str(received).expect("event JSON");
    assert_eq!(received["type"], "message");
    assert_eq!(received["info"]["id"], id, "{received}");
    assert!(received.to_string().contains("hello from C"), "{received}");
    assert_eq!(lines.last().map(String::as_str), Some("DONE"), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_example_pairs_against_the_sandbox() {
    let program = compile(false);
    check_output(&run("shared", &program, &[]).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_example_links_statically() {
    let program = compile(true);
    check_output(&run("static", &program, &[]).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_example_is_clean_under_valgrind() {
    if !valgrind_installed() {
        eprintln!("valgrind is not installed: skipping the memcheck run");
        return;
    }
    let program = compile(false);
    let suppressions = repo_root().join("ffi/valgrind.supp");
    let wrapper: Vec<String> = vec![
        "valgrind".into(),
        "--quiet".into(),
        "--error-exitcode=1".into(),
        "--leak-check=full".into(),
        "--errors-for-leak-kinds=definite".into(),
        format!("--suppressions={}", suppressions.display()),
    ];
    check_output(&run("valgrind", &program, &wrapper).await);
}
