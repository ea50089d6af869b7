//! Whether our delivery receipts say we are active. The real client sends `inactive` delivery
//! receipts while it is not in the foreground: whatsmeow's `sendActiveReceipts` is off until
//! `SendPresence(available)` (and off again on `unavailable`), unless forced on by
//! `SetForceActiveDeliveryReceipts`. We do the same.
use std::sync::atomic::{AtomicU8, Ordering};

const INACTIVE: u8 = 0;
const AVAILABLE: u8 = 1;
const FORCED: u8 = 2;

#[derive(Default)]
pub(crate) struct ReceiptMode(AtomicU8);

impl ReceiptMode {
    /// Whether delivery receipts go out without `type="inactive"`.
    pub(crate) fn active(&self) -> bool {
        self.0.load(Ordering::Acquire) != INACTIVE
    }

    /// Follows our presence, unless forced.
    pub(crate) fn set_available(&self, available: bool) {
        let (from, to) = if available { (INACTIVE, AVAILABLE) } else { (AVAILABLE, INACTIVE) };
        let _ = self.0.compare_exchange(from, to, Ordering::AcqRel, Ordering::Acquire);
    }

    /// Forces active receipts on (whatever our presence), or back to following it.
    pub(crate) fn force(&self, on: bool) {
        self.0.store(if on { FORCED } else { INACTIVE }, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_follow_presence_unless_forced() {
        let mode = ReceiptMode::default();
        assert!(!mode.active(), "inactive until available");
        mode.set_available(true);
        assert!(mode.active());
        mode.set_available(false);
        assert!(!mode.active());
        mode.force(true);
        mode.set_available(false);
        assert!(mode.active(), "forced stays on");
        mode.force(false);
        assert!(!mode.active());
    }
}
