use std::fmt;
use std::str::FromStr;

/// One of the account's five app state collections (whatsmeow `WAPatchName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    /// Settings: push name, locale.
    CriticalBlock,
    /// The contact list.
    CriticalUnblockLow,
    /// Mute, star, delete chat / message for me, clear chat.
    RegularHigh,
    /// Labels and protocol bookkeeping (key expiration).
    Regular,
    /// Pin, archive, mark read, unarchive setting.
    RegularLow,
}

impl Collection {
    /// Every collection, in the order a full sync asks for them.
    pub const ALL: [Collection; 5] = [
        Collection::CriticalBlock,
        Collection::CriticalUnblockLow,
        Collection::RegularHigh,
        Collection::Regular,
        Collection::RegularLow,
    ];

    /// The name on the wire (and in the snapshot and patch MACs).
    pub fn as_str(self) -> &'static str {
        match self {
            Collection::CriticalBlock => "critical_block",
            Collection::CriticalUnblockLow => "critical_unblock_low",
            Collection::RegularHigh => "regular_high",
            Collection::Regular => "regular",
            Collection::RegularLow => "regular_low",
        }
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Collection {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Collection::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown app state collection {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Collection::ALL {
            assert_eq!(c.as_str().parse::<Collection>().unwrap(), c);
        }
        assert!("regular_medium".parse::<Collection>().is_err());
    }
}
