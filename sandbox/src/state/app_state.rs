//! App state on the server: per account and collection, the patches its devices uploaded, in
//! version order. The server cannot read them (only the account's devices hold the keys); it
//! numbers them, refuses an upload made on an old version (409, with the patches since), and
//! hands them out from a version on. Snapshots are made by the account's phone, which holds
//! the keys (`phone::app_state`).
use std::collections::BTreeMap;

use prost::Message as _;
use serde::{Deserialize, Serialize};
use wazap::appstate::Collection;
use wazap::proto::{SyncdPatch, SyncdVersion};

use super::codec::HexBytes;

/// One stored patch: the bytes as uploaded (with the version the server gave it), and, when a
/// fault was asked for, the altered bytes companions are served instead.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredPatch {
    pub patch: HexBytes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served: Option<HexBytes>,
}

/// An account's collections: name → patches, the patch at index i having version i + 1.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Collections(pub BTreeMap<String, Vec<StoredPatch>>);

/// Most patches in one answer; beyond, `has_more_patches` and the client asks again.
pub const PAGE: usize = 50;

fn decode(bytes: &HexBytes) -> SyncdPatch {
    SyncdPatch::decode(bytes.0.as_slice()).expect("stored patches were encoded by us")
}

impl Collections {
    fn log(&self, c: Collection) -> &[StoredPatch] {
        self.0.get(c.as_str()).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn version(&self, c: Collection) -> u64 {
        self.log(c).len() as u64
    }

    /// The patches after `version`, as companions see them (at most [`PAGE`]), and whether
    /// more follow.
    pub fn served_after(&self, c: Collection, version: u64) -> (Vec<SyncdPatch>, bool) {
        let log = self.log(c);
        let from = (version as usize).min(log.len());
        let to = (from + PAGE).min(log.len());
        let page = log[from..to].iter().map(|p| decode(p.served.as_ref().unwrap_or(&p.patch)));
        (page.collect(), to < log.len())
    }

    /// Every patch as uploaded: what the phone reads to know the collection.
    pub fn uploaded(&self, c: Collection) -> Vec<SyncdPatch> {
        self.log(c).iter().map(|p| decode(&p.patch)).collect()
    }

    /// Stores `patch`, made on top of `base`, as the next version; a stale `base` is refused
    /// with the current version. `served`, if given, is what companions get instead (a fault).
    pub fn append(
        &mut self,
        c: Collection,
        base: u64,
        mut patch: SyncdPatch,
        served: Option<SyncdPatch>,
    ) -> Result<u64, u64> {
        let log = self.0.entry(c.as_str().to_owned()).or_default();
        let current = log.len() as u64;
        if base != current {
            return Err(current);
        }
        let version = Some(SyncdVersion { version: Some(current + 1) });
        patch.version = version;
        let served = served.map(|mut s| {
            s.version = version;
            HexBytes(s.encode_to_vec())
        });
        log.push(StoredPatch { patch: HexBytes(patch.encode_to_vec()), served });
        Ok(current + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_and_stale_uploads_are_refused() {
        let mut c = Collections::default();
        let r = Collection::Regular;
        assert_eq!(c.version(r), 0);
        assert_eq!(c.append(r, 0, SyncdPatch::default(), None), Ok(1));
        assert_eq!(c.append(r, 0, SyncdPatch::default(), None), Err(1));
        let faulty = SyncdPatch { patch_mac: Some(vec![1]), ..Default::default() };
        assert_eq!(c.append(r, 1, SyncdPatch::default(), Some(faulty)), Ok(2));
        let (served, more) = c.served_after(r, 0);
        assert!(!more);
        assert_eq!(served.len(), 2);
        assert_eq!(served[1].version.as_ref().unwrap().version(), 2);
        assert_eq!(served[1].patch_mac(), [1], "companions get the altered copy");
        assert_eq!(c.uploaded(r)[1].patch_mac(), b"", "the phone reads what was uploaded");
        assert_eq!(c.served_after(r, 2).0.len(), 0);
        assert_eq!(c.served_after(r, 9).0.len(), 0);
        for _ in 0..PAGE {
            let v = c.version(r);
            c.append(r, v, SyncdPatch::default(), None).unwrap();
        }
        let (page, more) = c.served_after(r, 1);
        assert_eq!((page.len(), more), (PAGE, true));
    }
}
