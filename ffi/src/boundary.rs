//! The boundary every `extern "C"` function goes through: no panic crosses it, every error
//! becomes a code plus the thread's last-error message.
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{clear_last_error, set_last_error, FfiError};
use crate::result::wazap_result::{self, *};

/// Runs `body`, turning its error or panic into a [`wazap_result`].
pub(crate) fn call<F>(body: F) -> wazap_result
where
    F: FnOnce() -> Result<(), FfiError>,
{
    clear_last_error();
    // AssertUnwindSafe: after a panic the call is abandoned; shared state is behind mutexes
    // that recover from poisoning.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => WAZAP_OK,
        Ok(Err(error)) => {
            set_last_error(error.message, error.kind);
            error.code
        }
        Err(payload) => {
            let message = format!("wazap panicked: {}", panic_message(&*payload));
            set_last_error(message, Some(wazap::api::ErrorKind::Panic));
            WAZAP_PANIC
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(no message)"
    }
}
