//! The pairing QR code drawn for a terminal, so that every host's command line and examples
//! show the same picture (the REST server renders its own PNG).
use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;

use super::{Error, Result};

/// `text` (a [`crate::Event::Qr`] code) as a QR code in Unicode half blocks (`▀ ▄ █`), two
/// modules per character, with the standard quiet zone of 4 modules; lines end with `\n`.
///
/// Light modules are the drawn blocks and dark modules spaces, so the code reads correctly on
/// the usual light-on-dark terminal (as `qrencode -t UTF8` draws it).
pub fn qr_terminal(text: &str) -> Result<String> {
    let code = QrCode::new(text.as_bytes())
        .map_err(|e| Error::invalid(format!("the text does not fit in a QR code: {e}")))?;
    let mut picture = code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    picture.push('\n');
    Ok(picture)
}

#[cfg(test)]
mod tests {
    use qrcode::Color;

    use super::*;

    /// Reads the picture back into modules: each character is two rows (upper, lower); a
    /// drawn half is a light module.
    fn modules(picture: &str) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in picture.lines() {
            let (mut upper, mut lower) = (Vec::new(), Vec::new());
            for c in line.chars() {
                let (u, l) = match c {
                    ' ' => (false, false),
                    '\u{2580}' => (true, false),
                    '\u{2584}' => (false, true),
                    '\u{2588}' => (true, true),
                    other => panic!("unexpected character {other:?}"),
                };
                upper.push(u);
                lower.push(l);
            }
            rows.push(upper);
            rows.push(lower);
        }
        rows
    }

    #[test]
    fn the_picture_is_the_code_with_its_quiet_zone() {
        let text = "2@abc,def,ghi,jkl";
        let code = QrCode::new(text.as_bytes()).unwrap();
        let width = code.width();
        let picture = qr_terminal(text).unwrap();
        assert!(picture.ends_with('\n'));
        let rows = modules(&picture);
        let side = width + 8;
        assert_eq!(picture.lines().count(), side.div_ceil(2));
        for (y, row) in rows.iter().take(side).enumerate() {
            assert_eq!(row.len(), side, "row {y}");
            for (x, &light) in row.iter().enumerate() {
                let inside = (4..width + 4).contains(&x) && (4..width + 4).contains(&y);
                let dark = inside && code[(x - 4, y - 4)] == Color::Dark;
                assert_eq!(light, !dark, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn text_too_long_for_a_qr_code_is_refused() {
        let error = qr_terminal(&"x".repeat(8000)).unwrap_err();
        assert_eq!(error.kind(), super::super::ErrorKind::InvalidArgument);
    }
}
