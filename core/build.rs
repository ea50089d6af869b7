//! Compiles every schema in `proto/` with prost. protox parses the .proto files in Rust, so no
//! system `protoc` is needed. `proto` is a link to the repository's `proto/`, so that the crate's
//! package (crates.io, the Python sdist) carries the schemas.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time: a build-script binary compiled in another checkout may be reused.
    let proto_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    // Worktrees sharing one CARGO_TARGET_DIR get the same OUT_DIR, and cargo records these paths
    // relative to the package, so another checkout's run looks fresh here. Keying the run on the
    // directory cargo was started from makes each checkout regenerate its own code.
    println!("cargo:rerun-if-env-changed=PWD");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&proto_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    if files.is_empty() {
        return Ok(());
    }
    let fds = protox::compile(&files, [&proto_dir])?;
    prost_build::Config::new().compile_fds(fds)?;
    Ok(())
}
