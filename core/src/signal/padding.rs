//! WhatsApp's plaintext padding: before Signal encryption a message gets n bytes of value n,
//! n random in 1..=15 (Baileys' writeRandomPadMax16, whatsmeow's padMessage).
use rand::{Rng, RngCore};

use super::SignalError;

/// Appends 1..=15 bytes of padding chosen with `rng`.
pub fn pad_message<R: RngCore>(message: &[u8], rng: &mut R) -> Vec<u8> {
    pad_message_with(message, rng.gen_range(1..=15))
}

/// Appends `n` bytes of value `n` (deterministic; for tests and vectors). `n` must be 1..=255.
pub fn pad_message_with(message: &[u8], n: u8) -> Vec<u8> {
    let n = n.max(1);
    let mut out = Vec::with_capacity(message.len() + n as usize);
    out.extend_from_slice(message);
    out.resize(message.len() + n as usize, n);
    out
}

/// Removes the padding after checking it: the last byte n is at least 1, at most the length,
/// and the last n bytes all equal n. Other senders may pad with more than 15 bytes, so any
/// consistent n is accepted.
pub fn unpad_message(padded: &[u8]) -> Result<&[u8], SignalError> {
    let &n = padded.last().ok_or(SignalError::BadPadding)?;
    let n = n as usize;
    if n == 0 || n > padded.len() {
        return Err(SignalError::BadPadding);
    }
    let (message, padding) = padded.split_at(padded.len() - n);
    if padding.iter().any(|&b| b as usize != n) {
        return Err(SignalError::BadPadding);
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_and_unpad() {
        let mut rng = rand::thread_rng();
        for _ in 0..200 {
            let padded = pad_message(b"hello", &mut rng);
            let n = padded.len() - 5;
            assert!((1..=15).contains(&n));
            assert!(padded[5..].iter().all(|&b| b as usize == n));
            assert_eq!(unpad_message(&padded).unwrap(), b"hello");
        }
        assert_eq!(unpad_message(&[1, 2, 3, 3, 3]).unwrap(), &[1, 2]);
        assert_eq!(unpad_message(&[3]).unwrap_err().to_string(), "plaintext padding is invalid");
        for bad in [&[][..], &[0], &[1, 2, 3, 2, 3], &[5, 5, 5]] {
            assert!(matches!(unpad_message(bad), Err(SignalError::BadPadding)), "{bad:?}");
        }
    }
}
