//! include/wazap.h is what cbindgen generates from the sources: this test fails when the
//! committed header is stale. `WAZAP_BLESS_HEADER=1` rewrites it instead.
use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let fresh = String::from_utf8(fresh).expect("UTF-8 header");
    let path = crate_dir.join("../include/wazap.h");
    if std::env::var_os("WAZAP_BLESS_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/wazap.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/wazap.h is stale: run `WAZAP_BLESS_HEADER=1 cargo test -p wazap-ffi --test header` \
         and commit it"
    );
}
