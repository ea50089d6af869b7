//! Reconnection delays: exponential backoff with jitter (see [`ReconnectConfig`]).
use std::time::Duration;

use rand::Rng;

use super::config::ReconnectConfig;

pub(crate) struct Backoff {
    config: ReconnectConfig,
    attempt: u32,
}

impl Backoff {
    pub(crate) fn new(config: ReconnectConfig) -> Self {
        Self { config, attempt: 0 }
    }

    /// The wait before the next attempt; each call doubles the next one, up to the maximum.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let exp = self.config.base_delay.saturating_mul(1u32 << self.attempt.min(20));
        let capped = exp.min(self.config.max_delay);
        self.attempt = self.attempt.saturating_add(1);
        capped.mul_f64(rand::thread_rng().gen_range(0.5..1.0))
    }

    /// After a successful login, the next failure starts from the base delay again.
    pub(crate) fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_with_jitter_up_to_the_cap_and_resets() {
        let config = ReconnectConfig {
            enabled: true,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        let mut backoff = Backoff::new(config);
        for full in [100u64, 200, 400, 800, 1000, 1000] {
            let d = backoff.next_delay();
            assert!(
                d >= Duration::from_millis(full / 2) && d < Duration::from_millis(full),
                "{d:?}"
            );
        }
        backoff.reset();
        assert!(backoff.next_delay() < Duration::from_millis(100));
    }
}
