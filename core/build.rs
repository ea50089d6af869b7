//! Compiles every schema in `../proto` with prost. protox parses the .proto files in Rust, so no
//! system `protoc` is needed.
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    // Several worktrees share one target directory and so one OUT_DIR; rerun when the build
    // comes from another directory, or the generated code of another worktree would be used.
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
