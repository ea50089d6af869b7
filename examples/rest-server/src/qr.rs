//! The QR code as wuzapi returns it: a PNG image in a `data:image/png;base64,` URL.
use base64::Engine;
use qrcode::{Color, QrCode};
use thiserror::Error;

/// Pixels per module, and the quiet zone in modules (the QR standard asks for 4).
const SCALE: usize = 8;
const QUIET: usize = 4;

#[derive(Debug, Error)]
pub enum QrImageError {
    #[error("the text does not fit in a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// Renders `text` as a black-on-white grayscale PNG.
pub fn png(text: &str) -> Result<Vec<u8>, QrImageError> {
    let code = QrCode::new(text.as_bytes())?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(out)
}

/// `text` as a QR code PNG data URL.
pub fn data_url(text: &str) -> Result<String, QrImageError> {
    let png = png(text)?;
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png_of_the_right_size() {
        let url = data_url("2@abc,def,ghi,jkl").unwrap();
        let b64 = url.strip_prefix("data:image/png;base64,").unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let decoder = png::Decoder::new(bytes.as_slice());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        let modules = QrCode::new(b"2@abc,def,ghi,jkl").unwrap().width();
        assert_eq!(info.width as usize, (modules + 2 * QUIET) * SCALE);
        assert_eq!(info.width, info.height);
    }
}
