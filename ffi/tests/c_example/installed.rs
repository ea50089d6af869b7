//! The C library as users get it: scripts/install-c.sh into a fresh prefix, then the C example
//! built only with the installed files (`pkg-config --cflags --libs wazap`, shared and
//! `--static`) and the C++ example (include/wazap.hpp) built by CMake through
//! `find_package(wazap)`; each run against the sandbox like the in-tree build.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::{check_output, library_dir, repo_root, run};

/// Runs `command`, failing the test with its output if it fails.
fn succeed(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what} runs: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The prefix the library was installed into (once per test binary).
fn prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = library_dir().join(format!("installed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&prefix);
        succeed(
            Command::new("bash")
                .arg(repo_root().join("scripts/install-c.sh"))
                .arg("--prefix")
                .arg(&prefix)
                .arg("--lib-dir")
                .arg(library_dir()),
            "scripts/install-c.sh",
        );
        prefix
    })
}

fn pkg_config(args: &[&str]) -> Vec<String> {
    let out = succeed(
        Command::new("pkg-config")
            .env("PKG_CONFIG_PATH", prefix().join("lib/pkgconfig"))
            .args(args)
            .arg("wazap"),
        "pkg-config",
    );
    out.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn the_install_has_a_versioned_shared_library_with_only_the_c_api() {
    let lib = prefix().join("lib");
    for file in ["libwazap.a", "libwazap.so", "libwazap.so.0", "pkgconfig/wazap.pc"] {
        assert!(lib.join(file).exists(), "{file} installed");
    }
    assert!(
        prefix().join("include/wazap.h").exists() && prefix().join("include/wazap.hpp").exists()
    );
    let dynamic =
        succeed(Command::new("readelf").arg("-d").arg(lib.join("libwazap.so")), "readelf");
    assert!(dynamic.contains("Library soname: [libwazap.so.0]"), "{dynamic}");
    let symbols = succeed(
        Command::new("nm").args(["-D", "--defined-only"]).arg(lib.join("libwazap.so")),
        "nm",
    );
    let exported: Vec<&str> = symbols.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    assert!(exported.contains(&"wazap_client_new"), "{exported:?}");
    let foreign: Vec<&&str> = exported.iter().filter(|s| !s.starts_with("wazap_")).collect();
    assert!(foreign.is_empty(), "only the C API is exported: {foreign:?}");
    assert_eq!(pkg_config(&["--modversion"]), [env!("CARGO_PKG_VERSION")]);
}

fn compile_c_with_pkg_config(static_link: bool) -> PathBuf {
    let out = prefix().join(if static_link { "pair_and_send_static" } else { "pair_and_send" });
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg(repo_root().join("examples/c/pair_and_send.c"))
        .arg("-o")
        .arg(&out);
    if static_link {
        // pkg-config --static: -lwazap with its Libs.private; -static-libwazap by asking the
        // linker for the archive.
        cc.args(pkg_config(&["--cflags"]));
        cc.arg(prefix().join("lib/libwazap.a"));
        cc.args(pkg_config(&["--static", "--libs-only-l"]).into_iter().filter(|l| l != "-lwazap"));
    } else {
        cc.args(pkg_config(&["--cflags", "--libs"]));
        cc.arg(format!("-Wl,-rpath,{}", prefix().join("lib").display()));
    }
    succeed(&mut cc, "cc with pkg-config");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_c_example_builds_with_pkg_config_and_pairs() {
    let program = compile_c_with_pkg_config(false);
    let needed = succeed(Command::new("readelf").arg("-d").arg(&program), "readelf");
    assert!(needed.contains("Shared library: [libwazap.so.0]"), "{needed}");
    check_output(&run("pkg-config", &program, &[]).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_c_example_links_the_installed_archive() {
    let program = compile_c_with_pkg_config(true);
    check_output(&run("pkg-config-static", &program, &[]).await);
}

/// Configures and builds examples/cpp with CMake against the installed package.
fn build_cpp_with_cmake() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let build = prefix().join("cpp-build");
            succeed(
                Command::new("cmake")
                    .arg("-S")
                    .arg(repo_root().join("examples/cpp"))
                    .arg("-B")
                    .arg(&build)
                    .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix().display()))
                    .arg("-DCMAKE_BUILD_TYPE=Debug"),
                "cmake configure",
            );
            succeed(Command::new("cmake").arg("--build").arg(&build), "cmake --build");
            build
        })
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cpp_example_builds_with_cmake_and_pairs() {
    let program = build_cpp_with_cmake().join("pair_and_send_cpp");
    let lines = run("cmake", &program, &[]).await;
    check_output(&lines);
    assert!(lines.iter().any(|l| l.starts_with("RECEIVED ") && l.contains("hello from C++")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cpp_example_links_the_static_target() {
    let program = build_cpp_with_cmake().join("pair_and_send_cpp_static");
    check_output(&run("cmake-static", &program, &[]).await);
}
