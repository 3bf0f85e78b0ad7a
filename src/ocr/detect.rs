//! Text detection: where in a raster the lines of text are.
//!
//! The PP-OCRv6 detection model is a DB (differentiable binarization)
//! network: it takes the image as BGR values in [-1, 1], with sides that are
//! multiples of 32, and gives a map of the probability that each pixel is
//! text. Regions above a threshold become boxes: their outline is traced,
//! simplified, fitted with the smallest rotated rectangle, scored by the mean
//! probability inside, and grown outward, because the network is trained to
//! mark a shrunk core of each text line.

use image::imageops::{self, FilterType};
use image::RgbImage;
use rten::Model;
use rten_imageproc::{
    find_contours, min_area_rect, simplify_polygon, PointF, RetrievalMode, RotatedRect,
};
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use super::raster::Raster;

/// A pixel is text when the model gives it more than this.
const PIXEL_THRESHOLD: f32 = 0.3;

/// A region is a line of text when its mean probability is above this.
const BOX_THRESHOLD: f32 = 0.5;

/// How far the shrunk core of a text line is grown back, as DB post-processing
/// defines it: by area × ratio / perimeter.
const UNCLIP_RATIO: f32 = 1.6;

/// Regions thinner than this (in detection pixels) are noise.
const MIN_REGION_SIDE: f32 = 3.0;

/// At most this many regions are turned into boxes per image.
const MAX_REGIONS: usize = 1000;

/// The side the detection input is scaled towards (see [`detection_size`]).
const TARGET_SHORT_SIDE: f32 = 736.0;

/// The longest side the detection input may have; bounds time and memory.
const MAX_LONG_SIDE: f32 = 2048.0;

/// The most an image is enlarged for detection.
const MAX_UPSCALE: f32 = 1.5;

/// Pixels of background added around the image before detection.
const MARGIN: u32 = 16;

/// A rotated box around one line of text, in raster pixels.
///
/// `along` runs in reading direction across the whole box (its length is the
/// box's width); `across` runs downward across it (its length is the height).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    pub center: [f32; 2],
    pub along: [f32; 2],
    pub across: [f32; 2],
    pub score: f32,
}

impl TextBox {
    pub fn width(&self) -> f32 {
        self.along[0].hypot(self.along[1])
    }

    pub fn height(&self) -> f32 {
        self.across[0].hypot(self.across[1])
    }

    /// The box's vertical extent on the page: (top, bottom).
    pub fn vertical_span(&self) -> (f32, f32) {
        let half = (self.along[1].abs() + self.across[1].abs()) / 2.0;
        (self.center[1] - half, self.center[1] + half)
    }

    /// The box's horizontal extent on the page: (left, right).
    pub fn horizontal_span(&self) -> (f32, f32) {
        let half = (self.along[0].abs() + self.across[0].abs()) / 2.0;
        (self.center[0] - half, self.center[0] + half)
    }
}

/// Finds the boxes of text in a raster.
pub fn detect(model: &Model, raster: &Raster) -> Result<Vec<TextBox>, String> {
    let canvas = padded(raster);
    let (width, height) = detection_size(canvas.width(), canvas.height());
    let input = input_tensor(&canvas, width, height);
    let output = model
        .run_one(input.into(), None)
        .map_err(|err| format!("the detection model failed: {err}"))?;
    let probabilities: NdTensor<f32, 4> = output
        .try_into()
        .map_err(|err| format!("the detection model gave an unexpected output: {err:?}"))?;
    let [batch, channels, map_height, map_width] = probabilities.shape();
    if batch != 1 || channels != 1 || map_height != height as usize || map_width != width as usize {
        return Err(format!(
            "the detection model gave a {batch}x{channels}x{map_height}x{map_width} map for a \
             {width}x{height} input"
        ));
    }
    let map = ProbabilityMap {
        width: map_width,
        height: map_height,
        values: probabilities.into_data(),
    };

    let scale_x = canvas.width() as f32 / width as f32;
    let scale_y = canvas.height() as f32 / height as f32;
    let margin = MARGIN as f32;
    let boxes = boxes_from_map(&map)
        .into_iter()
        .map(|found| {
            let mut text_box = found.scaled(scale_x, scale_y);
            text_box.center = [text_box.center[0] - margin, text_box.center[1] - margin];
            text_box
        })
        .collect();
    Ok(boxes)
}

/// The raster inside a margin of its own background colour.
///
/// Text that touches the edge of a tightly cropped screenshot, or fills a
/// one-line image, is otherwise missed: the model saw text with room around
/// it in training.
fn padded(raster: &Raster) -> RgbImage {
    let (w, h) = (raster.width, raster.height);
    let mut sum = [0u64; 3];
    let mut count = 0u64;
    let mut add = |x: u32, y: u32| {
        let pixel = raster.pixels.get_pixel(x, y).0;
        for c in 0..3 {
            sum[c] += u64::from(pixel[c]);
        }
        count += 1;
    };
    for x in 0..w {
        add(x, 0);
        add(x, h - 1);
    }
    for y in 0..h {
        add(0, y);
        add(w - 1, y);
    }
    let background = image::Rgb(sum.map(|s| (s / count.max(1)) as u8));
    let mut canvas = RgbImage::from_pixel(w + 2 * MARGIN, h + 2 * MARGIN, background);
    imageops::replace(
        &mut canvas,
        &raster.pixels,
        i64::from(MARGIN),
        i64::from(MARGIN),
    );
    canvas
}

/// The detection input's size: sides multiples of 32.
///
/// Small images are enlarged (at most [`MAX_UPSCALE`] times) towards a short
/// side of [`TARGET_SHORT_SIDE`], as the model was tuned at that scale and
/// reads small text better enlarged; large ones are reduced so the long side
/// stays under [`MAX_LONG_SIDE`].
pub fn detection_size(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = (width as f32, height as f32);
    let mut scale = (TARGET_SHORT_SIDE / w.min(h)).clamp(1.0, MAX_UPSCALE);
    if w.max(h) * scale > MAX_LONG_SIDE {
        scale = MAX_LONG_SIDE / w.max(h);
    }
    let round = |side: f32| (((side * scale) / 32.0).round() as u32).max(1) * 32;
    (round(w), round(h))
}

/// The image resized to `width`x`height`, as a 1x3xHxW tensor of BGR values
/// in [-1, 1], the way the model was trained.
fn input_tensor(image: &RgbImage, width: u32, height: u32) -> NdTensor<f32, 4> {
    let resized;
    let pixels = if (width, height) == image.dimensions() {
        image
    } else {
        let filter = if width < image.width() {
            FilterType::Triangle
        } else {
            FilterType::CatmullRom
        };
        resized = imageops::resize(image, width, height, filter);
        &resized
    };

    let plane = width as usize * height as usize;
    let mut data = vec![0.0f32; 3 * plane];
    for (at, pixel) in pixels.as_raw().chunks_exact(3).enumerate() {
        data[at] = normalize(pixel[2]);
        data[plane + at] = normalize(pixel[1]);
        data[2 * plane + at] = normalize(pixel[0]);
    }
    NdTensor::from_data([1, 3, height as usize, width as usize], data)
}

/// A colour value as the models expect it: (x / 255 - 0.5) / 0.5.
pub fn normalize(value: u8) -> f32 {
    (f32::from(value) / 255.0 - 0.5) / 0.5
}

/// A box found on the probability map, in map pixels.
#[derive(Debug, Clone, Copy)]
struct MapBox {
    center: PointF,
    /// Unit vector along the rectangle's width.
    width_axis: [f32; 2],
    width: f32,
    height: f32,
    score: f32,
}

impl MapBox {
    /// The box in raster pixels, with its axes turned to reading direction.
    fn scaled(self, scale_x: f32, scale_y: f32) -> TextBox {
        let [wx, wy] = self.width_axis;
        let side_a = [wx * self.width * scale_x, wy * self.width * scale_y];
        // The height axis is perpendicular to the width axis in map pixels.
        let side_b = [-wy * self.height * scale_x, wx * self.height * scale_y];

        // Reading runs along whichever side is closer to horizontal.
        let angle = |v: [f32; 2]| v[1].abs().atan2(v[0].abs());
        let (mut along, mut across) = if angle(side_a) <= angle(side_b) {
            (side_a, side_b)
        } else {
            (side_b, side_a)
        };
        if along[0] < 0.0 {
            along = [-along[0], -along[1]];
        }
        if across[1] < 0.0 {
            across = [-across[0], -across[1]];
        }
        TextBox {
            center: [self.center.x * scale_x, self.center.y * scale_y],
            along,
            across,
            score: self.score,
        }
    }
}

/// The detection model's output: per-pixel text probability, row by row.
struct ProbabilityMap {
    width: usize,
    height: usize,
    values: Vec<f32>,
}

impl ProbabilityMap {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.values[y * self.width + x]
    }
}

/// Thresholds the map, traces each region and fits it with a box.
fn boxes_from_map(map: &ProbabilityMap) -> Vec<MapBox> {
    let (rows, cols) = (map.height, map.width);

    // A 2x2 dilation joins characters the threshold left a pixel apart.
    let above: Vec<bool> = map.values.iter().map(|&p| p > PIXEL_THRESHOLD).collect();
    let mut mask = vec![false; rows * cols];
    for y in 0..rows {
        for x in 0..cols {
            let at = y * cols + x;
            mask[at] = above[at]
                || (x > 0 && above[at - 1])
                || (y > 0 && above[at - cols])
                || (x > 0 && y > 0 && above[at - cols - 1]);
        }
    }
    let mask = NdTensor::from_data([rows, cols], mask);

    let contours = find_contours(mask.view(), RetrievalMode::External);
    let mut boxes = Vec::new();
    for contour in contours.iter().take(MAX_REGIONS) {
        let points: Vec<PointF> = contour.iter().map(|p| p.to_f32()).collect();
        if points.len() < 3 {
            continue;
        }
        // Simplifying first keeps the convex hull small and drops the
        // staircase of pixel edges, which would tilt the fitted rectangle.
        let outline = simplify_polygon(&points, 1.0);
        let outline = if outline.len() >= 3 { outline } else { points };
        let Some(rect) = min_area_rect(&outline) else {
            continue;
        };
        if rect.width().min(rect.height()) < MIN_REGION_SIDE {
            continue;
        }
        let score = mean_inside(map, &rect);
        if score < BOX_THRESHOLD {
            continue;
        }

        let (w, h) = (rect.width(), rect.height());
        let distance = w * h * UNCLIP_RATIO / (2.0 * (w + h));
        let grown = rect.expanded(2.0 * distance, 2.0 * distance);
        if grown.width().min(grown.height()) < MIN_REGION_SIDE + 2.0 {
            continue;
        }
        let up = grown.up_axis();
        // RotatedRect's width runs perpendicular to its up axis.
        let width_axis = [up.y, -up.x];
        boxes.push(MapBox {
            center: grown.center(),
            width_axis,
            width: grown.width(),
            height: grown.height(),
            score,
        });
    }
    boxes
}

/// The mean probability of the map's pixels whose centres lie in `rect`.
fn mean_inside(map: &ProbabilityMap, rect: &RotatedRect) -> f32 {
    let corners = rect.corners();
    let min = |f: fn(&PointF) -> f32| corners.iter().map(f).fold(f32::MAX, f32::min);
    let max = |f: fn(&PointF) -> f32| corners.iter().map(f).fold(f32::MIN, f32::max);
    let clamp = |v: f32, limit: usize| (v.max(0.0) as usize).min(limit - 1);
    let (x0, x1) = (
        clamp(min(|p| p.x).floor(), map.width),
        clamp(max(|p| p.x).ceil(), map.width),
    );
    let (y0, y1) = (
        clamp(min(|p| p.y).floor(), map.height),
        clamp(max(|p| p.y).ceil(), map.height),
    );

    let (mut sum, mut count) = (0.0f32, 0usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            if rect.contains(PointF::from_yx(y as f32, x as f32)) {
                sum += map.at(x, y);
                count += 1;
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_sides_are_multiples_of_32_within_bounds() {
        for (w, h) in [(1, 1), (400, 60), (1000, 700), (4000, 3000), (30, 5000)] {
            let (dw, dh) = detection_size(w, h);
            assert_eq!(dw % 32, 0);
            assert_eq!(dh % 32, 0);
            assert!(
                dw.max(dh) as f32 <= MAX_LONG_SIDE + 32.0,
                "{w}x{h} → {dw}x{dh}"
            );
        }
        assert_eq!(detection_size(400, 60), (608, 96));
    }

    #[test]
    fn a_solid_band_on_the_map_becomes_one_horizontal_box() {
        let mut map = ProbabilityMap {
            width: 100,
            height: 40,
            values: vec![0.0; 4000],
        };
        for y in 15..25 {
            for x in 10..90 {
                map.values[y * 100 + x] = 0.9;
            }
        }
        let boxes = boxes_from_map(&map);
        assert_eq!(boxes.len(), 1);
        let found = boxes[0].scaled(1.0, 1.0);
        assert!(found.width() > 80.0 && found.height() > 10.0, "{found:?}");
        assert!(found.along[1].abs() < 1.0, "reads horizontally: {found:?}");
        assert!((found.center[1] - 19.5).abs() < 1.5, "{found:?}");
    }
}
