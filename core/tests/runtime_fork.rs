//! The shared runtime survives `fork()`: a forked child inherits the parent's memory (and so
//! its runtime handle) but none of its threads; the core must build a fresh runtime there
//! instead of handing work to threads that do not exist. Unix only.
#![cfg(unix)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wazap::runtime;
use wazap::store::MemoryDeviceStore;
use wazap::{Client, ClientConfig};

/// Exit statuses of the child, one per check, so a failure names itself.
const OK: i32 = 0;
const BLOCK_ON_FAILED: i32 = 10;
const NOT_ON_RUNTIME_THREAD: i32 = 11;
const LOOPBACK_FAILED: i32 = 12;
const CLIENT_FAILED: i32 = 13;
const PANICKED: i32 = 14;

/// Async work that needs the runtime's threads, timers and IO driver: a loopback TCP echo.
async fn loopback_echo() -> std::io::Result<Vec<u8>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await?;
        let mut buf = [0u8; 5];
        socket.read_exact(&mut buf).await?;
        socket.write_all(&buf).await?;
        std::io::Result::Ok(())
    });
    let mut conn = tokio::net::TcpStream::connect(addr).await?;
    conn.write_all(b"hello").await?;
    let mut back = vec![0u8; 5];
    tokio::time::timeout(Duration::from_secs(5), conn.read_exact(&mut back))
        .await
        .map_err(|_| std::io::Error::other("echo timed out"))??;
    server.await.map_err(std::io::Error::other)??;
    Ok(back)
}

/// What the child runs; returns its exit status.
fn child_checks() -> i32 {
    let name = match runtime::block_on(async { std::thread::current().name().map(str::to_owned) }) {
        Ok(name) => name,
        Err(_) => return BLOCK_ON_FAILED,
    };
    if name.as_deref() != Some("wazap") {
        return NOT_ON_RUNTIME_THREAD;
    }
    match runtime::block_on(loopback_echo()) {
        Ok(Ok(back)) if back == b"hello" => {}
        _ => return LOOPBACK_FAILED,
    }
    // A client's own work (device generation on the blocking pool, then a save) in the child.
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), ClientConfig::default());
    let pushed = {
        let client = client.clone();
        runtime::block_on(async move { client.set_push_name("forked").await })
    };
    match (pushed, client.device()) {
        (Ok(Ok(())), Some(device)) if device.push_name == "forked" => OK,
        _ => CLIENT_FAILED,
    }
}

/// Waits for `pid` up to `limit`; kills it when it does not finish.
fn wait_child(pid: libc::pid_t, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(done >= 0, "waitpid failed");
        if done == pid {
            assert!(libc::WIFEXITED(status), "child did not exit normally: status {status}");
            return Some(libc::WEXITSTATUS(status));
        }
        if Instant::now() > deadline {
            // SAFETY: kill and reap our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_forked_child_gets_its_own_runtime_and_the_parent_keeps_its_one() {
    // The parent's runtime exists (with its threads) before the fork.
    assert_eq!(runtime::block_on(loopback_echo()).unwrap().unwrap(), b"hello");

    // SAFETY: the child only runs `child_checks` and leaves with `_exit`, never returning into
    // the test harness (whose other threads are gone in the child).
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let status = std::panic::catch_unwind(child_checks).unwrap_or(PANICKED);
        // SAFETY: ends the child without running the parent's exit handlers.
        unsafe { libc::_exit(status) };
    }
    let status = wait_child(pid, Duration::from_secs(30));
    assert_eq!(status, Some(OK), "child exit status (None: it hung and was killed)");

    // The parent's runtime still works after the fork.
    assert_eq!(runtime::block_on(loopback_echo()).unwrap().unwrap(), b"hello");
    let again = runtime::block_on(async { std::thread::current().name().map(str::to_owned) });
    assert_eq!(again.unwrap().as_deref(), Some("wazap"));
}
