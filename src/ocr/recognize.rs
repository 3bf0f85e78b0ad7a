//! Text recognition: what one line of text says.
//!
//! The PP-OCRv6 recognition model reads a line cropped upright to 48 pixels
//! high, as BGR values in [-1, 1], and gives, for each step of 8 pixels
//! across, a probability for every class: class 0 is the CTC blank, classes
//! 1 to N are the characters listed in the model's `character` metadata, and
//! the last class is a space (PaddleOCR appends it to the list). Greedy CTC
//! decoding keeps the likeliest class at each step, merges repeats and drops
//! blanks.

use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::detect::{normalize, TextBox};
use super::raster::Raster;

/// The height the model reads lines at (its input is `N x 3 x 48 x W`).
pub const LINE_HEIGHT: usize = 48;

/// Lines narrower than this are padded. PaddleOCR pads to 320 at inference,
/// but the model's cost grows with width and most boxes in tables and charts
/// are short: on the test images and a 1000x700 table of 125 cells, padding
/// to 96 read every line the same as 320, and the table in 2.6 s, not 6.5 s.
const MIN_LINE_WIDTH: usize = 96;

/// Wider lines are squeezed to this width, which bounds time and memory.
const MAX_LINE_WIDTH: usize = 48 * 64;

/// A box this much taller than wide holds vertical text.
const VERTICAL_RATIO: f32 = 1.5;

/// The model's classes: the blank, the characters, then a space.
#[derive(Debug)]
pub struct Alphabet {
    characters: Vec<String>,
}

impl Alphabet {
    /// Reads the character list (one per line) from the model's metadata.
    pub fn from_metadata(listing: &str) -> Alphabet {
        let mut characters: Vec<String> = listing
            .split('\n')
            .map(|c| c.trim_end_matches('\r').to_string())
            .collect();
        if characters.last().is_some_and(String::is_empty) {
            characters.pop();
        }
        characters.push(" ".to_string());
        Alphabet { characters }
    }

    /// The number of classes the model must output: the blank, then these.
    pub fn classes(&self) -> usize {
        self.characters.len() + 1
    }

    fn text(&self, class: usize) -> &str {
        class
            .checked_sub(1)
            .and_then(|i| self.characters.get(i))
            .map_or("", String::as_str)
    }
}

/// One line as the model read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub text: String,
    /// Mean probability of the characters kept.
    pub confidence: f32,
    /// Whether the text runs vertically (it was read turned a quarter).
    pub turned: bool,
}

/// Crops read by one run of the model. Batching, as PaddleOCR does, was
/// measured no faster with rten 0.27 on 2 cores (four 48x320 crops: 515 ms
/// together, 484 ms one by one) and pads every crop to the widest, so each
/// crop runs alone; the code keeps batches so this stays one number.
const BATCH: usize = 1;

/// One line cropped upright, before padding: `3 x 48 x width` values.
struct Crop {
    /// Which box it came from.
    owner: usize,
    /// Whether the box is read turned a quarter.
    turned: bool,
    width: usize,
    data: Vec<f32>,
}

/// Reads the text in each box; the readings come back in the boxes' order.
pub fn recognize(
    model: &Model,
    alphabet: &Alphabet,
    raster: &Raster,
    boxes: &[TextBox],
) -> Result<Vec<Reading>, String> {
    let mut crops = Vec::with_capacity(boxes.len());
    for (owner, text_box) in boxes.iter().enumerate() {
        let (width, height) = (text_box.width(), text_box.height());
        let [ax, ay] = text_box.across;
        let [lx, ly] = text_box.along;
        crops.push(crop(
            raster,
            owner,
            false,
            text_box.center,
            [lx, ly],
            [ax, ay],
        ));
        if height / width.max(1.0) >= VERTICAL_RATIO {
            // A tall box is vertical text (a y-axis label), which reads
            // either way up, or a narrow character ("1", "l"); all three
            // readings are tried and the surest kept.
            crops.push(crop(
                raster,
                owner,
                true,
                text_box.center,
                [-ax, -ay],
                [lx, ly],
            ));
            crops.push(crop(
                raster,
                owner,
                true,
                text_box.center,
                [ax, ay],
                [-lx, -ly],
            ));
        }
    }

    crops.sort_by_key(|crop| crop.width);
    let mut readings: Vec<Option<Reading>> = vec![None; boxes.len()];
    for batch in crops.chunks(BATCH) {
        for (crop, mut reading) in batch.iter().zip(read_batch(model, alphabet, batch)?) {
            reading.turned = crop.turned;
            let slot = &mut readings[crop.owner];
            if slot
                .as_ref()
                .is_none_or(|kept| reading.confidence > kept.confidence)
            {
                *slot = Some(reading);
            }
        }
    }
    Ok(readings
        .into_iter()
        .map(|reading| {
            reading.unwrap_or(Reading {
                text: String::new(),
                confidence: 0.0,
                turned: false,
            })
        })
        .collect())
}

/// Runs the model on crops padded to one width (at least
/// [`MIN_LINE_WIDTH`]) and decodes each.
fn read_batch(model: &Model, alphabet: &Alphabet, batch: &[Crop]) -> Result<Vec<Reading>, String> {
    let width = batch
        .iter()
        .map(|crop| crop.width)
        .max()
        .unwrap_or(0)
        .max(MIN_LINE_WIDTH);
    // Padding is 0, mid-grey once normalised, as PaddleOCR pads.
    let mut data = vec![0.0f32; batch.len() * 3 * LINE_HEIGHT * width];
    for (i, crop) in batch.iter().enumerate() {
        for (row_index, row) in crop.data.chunks_exact(crop.width).enumerate() {
            let at = (i * 3 * LINE_HEIGHT + row_index) * width;
            data[at..at + crop.width].copy_from_slice(row);
        }
    }
    let input = NdTensor::from_data([batch.len(), 3, LINE_HEIGHT, width], data);

    let output = model
        .run_one(input.into(), None)
        .map_err(|err| format!("the recognition model failed: {err}"))?;
    let scores: NdTensor<f32, 3> = output
        .try_into()
        .map_err(|err| format!("the recognition model gave an unexpected output: {err:?}"))?;
    let [lines, _, classes] = scores.shape();
    if classes != alphabet.classes() || lines != batch.len() {
        return Err(format!(
            "the recognition model gave {lines} lines of {classes} classes for {} lines of {} \
             classes (its character list)",
            batch.len(),
            alphabet.classes()
        ));
    }
    Ok((0..lines)
        .map(|line| decode(scores.slice(line), alphabet))
        .collect())
}

/// The box's content, upright and 48 pixels high, with reading axes `along`
/// and `across` (full-length edges of the box).
///
/// Each target pixel averages a few bilinear samples of the source, so a
/// large line shrunk to 48 pixels does not alias.
fn crop(
    raster: &Raster,
    owner: usize,
    turned: bool,
    center: [f32; 2],
    along: [f32; 2],
    across: [f32; 2],
) -> Crop {
    let box_width = along[0].hypot(along[1]).max(1.0);
    let box_height = across[0].hypot(across[1]).max(1.0);
    let width =
        ((LINE_HEIGHT as f32 * box_width / box_height).ceil() as usize).clamp(1, MAX_LINE_WIDTH);

    // Target pixel (u, v) maps to origin + u/width·along + v/48·across.
    let origin = [
        center[0] - along[0] / 2.0 - across[0] / 2.0,
        center[1] - along[1] / 2.0 - across[1] / 2.0,
    ];
    let step_u = [along[0] / width as f32, along[1] / width as f32];
    let step_v = [
        across[0] / LINE_HEIGHT as f32,
        across[1] / LINE_HEIGHT as f32,
    ];
    let taps_u = (box_width / width as f32).ceil().clamp(1.0, 4.0) as usize;
    let taps_v = (box_height / LINE_HEIGHT as f32).ceil().clamp(1.0, 4.0) as usize;
    let taps = (taps_u * taps_v) as f32;

    let plane = LINE_HEIGHT * width;
    let mut data = vec![0.0f32; 3 * plane];
    for v in 0..LINE_HEIGHT {
        for u in 0..width {
            let mut sum = [0.0f32; 3];
            for tv in 0..taps_v {
                for tu in 0..taps_u {
                    let fu = u as f32 + (tu as f32 + 0.5) / taps_u as f32;
                    let fv = v as f32 + (tv as f32 + 0.5) / taps_v as f32;
                    let x = origin[0] + fu * step_u[0] + fv * step_v[0];
                    let y = origin[1] + fu * step_u[1] + fv * step_v[1];
                    let rgb = sample(raster, x, y);
                    for c in 0..3 {
                        sum[c] += rgb[c];
                    }
                }
            }
            let at = v * width + u;
            // BGR order, as the model was trained.
            data[at] = normalize_f(sum[2] / taps);
            data[plane + at] = normalize_f(sum[1] / taps);
            data[2 * plane + at] = normalize_f(sum[0] / taps);
        }
    }
    Crop {
        owner,
        turned,
        width,
        data,
    }
}

fn normalize_f(value: f32) -> f32 {
    // Same scaling as detection, on a value that is already interpolated.
    let rounded = value.round().clamp(0.0, 255.0) as u8;
    normalize(rounded)
}

/// Bilinear sample at pixel-centre coordinates; edges repeat outward.
fn sample(raster: &Raster, x: f32, y: f32) -> [f32; 3] {
    let max_x = raster.width as f32 - 1.0;
    let max_y = raster.height as f32 - 1.0;
    let x = (x - 0.5).clamp(0.0, max_x);
    let y = (y - 0.5).clamp(0.0, max_y);
    let (x0, y0) = (x.floor(), y.floor());
    let (x1, y1) = ((x0 + 1.0).min(max_x), (y0 + 1.0).min(max_y));
    let (fx, fy) = (x - x0, y - y0);
    let pixel = |px: f32, py: f32| raster.pixels.get_pixel(px as u32, py as u32).0;
    let (a, b, c, d) = (pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1));
    let mut out = [0.0f32; 3];
    for i in 0..3 {
        let top = f32::from(a[i]) * (1.0 - fx) + f32::from(b[i]) * fx;
        let bottom = f32::from(c[i]) * (1.0 - fx) + f32::from(d[i]) * fx;
        out[i] = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// Greedy CTC decoding of a `steps x classes` probability table.
fn decode(scores: rten_tensor::NdTensorView<f32, 2>, alphabet: &Alphabet) -> Reading {
    let mut text = String::new();
    let mut kept = Vec::new();
    let mut previous = 0usize;
    for step in scores.axis_iter(0) {
        let (class, probability) =
            step.iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f32::MIN),
                    |best, (i, p)| if p > best.1 { (i, p) } else { best },
                );
        if class != 0 && class != previous {
            text.push_str(alphabet.text(class));
            kept.push(probability);
        }
        previous = class;
    }
    let confidence = if kept.is_empty() {
        0.0
    } else {
        kept.iter().sum::<f32>() / kept.len() as f32
    };
    Reading {
        text: text.trim().to_string(),
        confidence,
        turned: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_merges_repeats_drops_blanks_and_maps_the_last_class_to_a_space() {
        let alphabet = Alphabet::from_metadata("a\nb");
        assert_eq!(alphabet.classes(), 4);
        // Steps: a a blank a space b b blank
        let classes = [1, 1, 0, 1, 3, 2, 2, 0];
        let mut scores = NdTensor::<f32, 2>::zeros([classes.len(), 4]);
        for (step, &class) in classes.iter().enumerate() {
            scores[[step, class]] = 0.9;
        }
        let reading = decode(scores.view(), &alphabet);
        assert_eq!(reading.text, "aa b");
        assert!((reading.confidence - 0.9).abs() < 1e-6);
    }
}
