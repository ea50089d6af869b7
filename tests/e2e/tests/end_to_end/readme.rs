//! The README's "Quick start" snippets are quoted from files the tests build and run: each
//! fenced block after a `<!-- quick-start: PATH -->` line must be, verbatim, the part of PATH
//! between its `quick-start:begin` and `quick-start:end` marker lines. Rust, C, Python and Node
//! must all be there. The same holds for sandbox/README.md's quotes of the interop programs
//! (how to point whatsmeow and Baileys at the sandbox).
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The lines strictly between the marker lines of `path`.
fn quoted_region(path: &str) -> String {
    let text = std::fs::read_to_string(repo().join(path))
        .unwrap_or_else(|e| panic!("{path} (named in the README): {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let begin = lines.iter().position(|l| l.contains("quick-start:begin"));
    let end = lines.iter().position(|l| l.contains("quick-start:end"));
    let (Some(begin), Some(end)) = (begin, end) else {
        panic!("{path} has no quick-start:begin/end markers")
    };
    assert!(begin < end, "{path}: quick-start markers out of order");
    lines[begin + 1..end].join("\n")
}

/// (path, fenced block) for every snippet of the README's Quick start section.
fn snippets() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme.find("\n## Quick start\n").expect("a `## Quick start` section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    snippets_in(section)
}

/// (path, fenced block) for every `<!-- quick-start: PATH -->` quote in `text`.
fn snippets_in(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line.strip_prefix("<!-- quick-start: ") else { continue };
        let path = path.trim_end_matches("-->").trim().to_owned();
        assert!(lines.get(i + 1).is_some_and(|l| l.starts_with("```")), "{path}: no code fence");
        let body: Vec<&str> =
            lines[i + 2..].iter().take_while(|l| !l.starts_with("```")).copied().collect();
        found.push((path, body.join("\n")));
    }
    found
}

#[test]
fn quick_start_snippets_are_the_tested_files() {
    let snippets = snippets();
    for (path, block) in &snippets {
        let region = quoted_region(path);
        assert!(
            *block == region,
            "README Quick start differs from {path} (between its quick-start markers); \
             copy the region into the README again"
        );
    }
    let paths: Vec<&str> = snippets.iter().map(|(p, _)| p.as_str()).collect();
    for wanted in [
        "tests/e2e/examples/echo_bot.rs",
        "examples/c/pair_and_send.c",
        "examples/python/echo_bot.py",
        "examples/node/echo-bot.js",
    ] {
        assert!(paths.contains(&wanted), "the Quick start quotes no {wanted}");
    }
}

#[test]
fn sandbox_readme_quotes_are_the_interop_programs() {
    let readme =
        std::fs::read_to_string(repo().join("sandbox/README.md")).expect("sandbox/README.md");
    let snippets = snippets_in(&readme);
    for (path, block) in &snippets {
        assert!(
            *block == quoted_region(path),
            "sandbox/README.md differs from {path} (between its quick-start markers); copy the \
             region into the README again"
        );
    }
    let paths: Vec<&str> = snippets.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        paths.contains(&"tests/interop/whatsmeow/sandbox.go"),
        "sandbox/README.md quotes no tests/interop/whatsmeow/sandbox.go"
    );
}
