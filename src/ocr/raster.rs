//! A raster is an image decoded for OCR: opaque RGB pixels, no larger than a
//! pixel budget.
//!
//! Image bytes come from notebooks, so from outside the process: decoding runs
//! under strict limits (a PNG header may claim 60000x60000 pixels and must not
//! make nbgate allocate them), transparency is flattened onto a background
//! that keeps the text visible, and very large images are scaled down before
//! the models see them.

use std::io::Cursor;

use image::imageops::{self, FilterType};
use image::{ImageReader, Limits, RgbImage, RgbaImage};

/// Widest or tallest image decoded at all.
const MAX_SIDE: u32 = 16_384;

/// Most bytes a decoder may allocate (the decoded RGBA pixels count).
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Most pixels kept after decoding; larger images are scaled down to this.
/// A 4K screenshot (8.3 million pixels) fits.
pub const MAX_PIXELS: u64 = 8_400_000;

/// Opaque RGB pixels, row by row.
#[derive(Debug, Clone)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: RgbImage,
}

impl Raster {
    /// Decodes PNG, JPEG, GIF (first frame) or WebP bytes under the limits.
    pub fn decode(bytes: &[u8]) -> Result<Raster, String> {
        let mut reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|err| format!("cannot tell the image format: {err}"))?;
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        let decoded = reader
            .decode()
            .map_err(|err| format!("the image does not decode: {err}"))?;
        if decoded.width() == 0 || decoded.height() == 0 {
            return Err("the image has no pixels".into());
        }

        let pixels = if decoded.color().has_alpha() {
            flatten(&decoded.to_rgba8())
        } else {
            decoded.to_rgb8()
        };
        Ok(Raster::fit(pixels))
    }

    /// Wraps pixels, scaling them down when they are over the pixel budget.
    pub fn fit(pixels: RgbImage) -> Raster {
        let (width, height) = pixels.dimensions();
        let area = u64::from(width) * u64::from(height);
        let pixels = if area > MAX_PIXELS {
            let scale = (MAX_PIXELS as f64 / area as f64).sqrt();
            let new_width = ((f64::from(width) * scale) as u32).max(1);
            let new_height = ((f64::from(height) * scale) as u32).max(1);
            log::debug!("image of {width}x{height} scaled down to {new_width}x{new_height}");
            imageops::resize(&pixels, new_width, new_height, FilterType::Triangle)
        } else {
            pixels
        };
        Raster {
            width: pixels.width(),
            height: pixels.height(),
            pixels,
        }
    }
}

/// Composites a transparent image onto an opaque background.
///
/// Transparent pixels usually hold black, so dropping alpha would hide dark
/// text on a transparent background (a matplotlib figure saved with
/// `transparent=True`); a fixed white background would hide light text meant
/// for a dark theme. The background is the opposite of the visible content:
/// black behind mostly light content, white otherwise.
fn flatten(rgba: &RgbaImage) -> RgbImage {
    let mut weighted_light = 0.0f64;
    let mut weight = 0.0f64;
    for pixel in rgba.pixels() {
        let [r, g, b, a] = pixel.0;
        let alpha = f64::from(a) / 255.0;
        weighted_light += alpha * luminance(r, g, b);
        weight += alpha;
    }
    let content_is_light = weight > 0.0 && weighted_light / weight > 160.0;
    let background = if content_is_light { 0.0 } else { 255.0 };

    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let alpha = f32::from(a) / 255.0;
        let blend =
            |c: u8| (f32::from(c) * alpha + background as f32 * (1.0 - alpha)).round() as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn luminance(r: u8, g: u8, b: u8) -> f64 {
    0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgba};

    fn png(image: &RgbaImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgba8,
            )
            .expect("encoding a small PNG in memory");
        bytes
    }

    #[test]
    fn a_header_claiming_huge_dimensions_is_refused_before_allocating() {
        // A valid 1x1 PNG whose IHDR then claims 60000x60000 pixels (the CRC
        // is recomputed so only the size is wrong).
        let mut bytes = png(&RgbaImage::new(1, 1));
        bytes[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = Raster::decode(&bytes).expect_err("60000x60000 must be refused");
        assert!(err.contains("does not decode"), "{err}");
    }

    #[test]
    fn transparent_dark_text_lands_on_white_and_light_text_on_black() {
        let mut dark = RgbaImage::from_pixel(4, 1, Rgba([0, 0, 0, 0]));
        dark.put_pixel(0, 0, Rgba([10, 10, 10, 255]));
        let raster = Raster::decode(&png(&dark)).expect("decodes");
        assert_eq!(raster.pixels.get_pixel(3, 0).0, [255, 255, 255]);

        let mut light = RgbaImage::from_pixel(4, 1, Rgba([0, 0, 0, 0]));
        light.put_pixel(0, 0, Rgba([250, 250, 250, 255]));
        let raster = Raster::decode(&png(&light)).expect("decodes");
        assert_eq!(raster.pixels.get_pixel(3, 0).0, [0, 0, 0]);
        assert_eq!(raster.pixels.get_pixel(0, 0).0, [250, 250, 250]);
    }

    #[test]
    fn gif_and_webp_decode() {
        let image = RgbaImage::from_pixel(3, 2, Rgba([200, 30, 30, 255]));
        let mut gif = Vec::new();
        image::codecs::gif::GifEncoder::new(&mut gif)
            .encode(image.as_raw(), 3, 2, image::ExtendedColorType::Rgba8)
            .expect("encoding a GIF in memory");
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .encode(image.as_raw(), 3, 2, image::ExtendedColorType::Rgba8)
            .expect("encoding a WebP in memory");
        for bytes in [gif, webp] {
            let raster = Raster::decode(&bytes).expect("decodes");
            assert_eq!((raster.width, raster.height), (3, 2));
            let [r, g, b] = raster.pixels.get_pixel(1, 1).0;
            assert!(r > 150 && g < 80 && b < 80, "{:?}", [r, g, b]);
        }
    }

    #[test]
    fn large_images_are_scaled_to_the_pixel_budget() {
        let raster = Raster::fit(RgbImage::new(4000, 4000));
        assert!(u64::from(raster.width) * u64::from(raster.height) <= MAX_PIXELS);
        assert_eq!(raster.width, raster.height);
    }

    /// CRC-32 as PNG chunks use it, for forging a header in a test.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xedb8_8320 & mask);
            }
        }
        !crc
    }
}
