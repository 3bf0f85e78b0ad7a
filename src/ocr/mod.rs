//! OCR reads the text inside images so the same rules can scan it.
//!
//! The models are PaddleOCR's PP-OCRv6 small detection and recognition
//! networks in ONNX form (shipped in the `rapidocr` 3.10.0 wheel, Apache-2.0,
//! fetched by `scripts/fetch-ocr-models.sh`), run by `rten`. Reading an image
//! is: decode it under limits ([`raster`]), find boxes of text ([`detect`]),
//! read each box ([`recognize`]), put the lines in reading order
//! ([`layout`]). The models load on the first image a run needs to read, so
//! a run without images pays nothing; text already read is found again by the
//! image's hash in the [`cache`].

pub mod cache;
pub mod detect;
pub mod layout;
pub mod raster;
pub mod recognize;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use rten::Model;
use thiserror::Error;

use cache::Cache;
use raster::Raster;
use recognize::Alphabet;

/// The detection model's file name in the model folder.
pub const DETECTION_MODEL: &str = "PP-OCRv6_det_small.onnx";

/// The recognition model's file name in the model folder.
pub const RECOGNITION_MODEL: &str = "PP-OCRv6_rec_small.onnx";

/// The recognition model's metadata key that lists its characters.
const CHARACTER_KEY: &str = "character";

/// Lines the model is less sure of than this are dropped: at this level they
/// are noise read into lines, dots and chart marks.
const MIN_LINE_CONFIDENCE: f32 = 0.5;

/// What [`Ocr::find_models`] returns for the models built into the binary
/// (`--features embed-models`), when no folder holds models.
pub const BUILT_IN_MODELS: &str = "<built-in models>";

/// The detection and recognition models compiled in with the
/// `embed-models` feature, from the folder `NBGATE_EMBED_OCR_MODELS` names
/// at build time (`NBGATE_EMBED_OCR_MODELS=~/.local/share/nbgate/ocr cargo
/// build --release --features embed-models`).
#[cfg(feature = "embed-models")]
const EMBEDDED: Option<(&[u8], &[u8])> = Some((
    include_bytes!(concat!(
        env!("NBGATE_EMBED_OCR_MODELS"),
        "/PP-OCRv6_det_small.onnx"
    )),
    include_bytes!(concat!(
        env!("NBGATE_EMBED_OCR_MODELS"),
        "/PP-OCRv6_rec_small.onnx"
    )),
));
#[cfg(not(feature = "embed-models"))]
const EMBEDDED: Option<(&[u8], &[u8])> = None;

/// Changes whenever reading changes what text an image gives, so cached text
/// from an older nbgate is not reused.
const PIPELINE_VERSION: &str = "nbgate-ocr-1";

#[derive(Debug, Error)]
pub enum OcrError {
    #[error(
        "no OCR models found (looked in {looked}); run scripts/fetch-ocr-models.sh \
         (or `./install.sh --ocr-models`), or pass --ocr-models DIR"
    )]
    NoModels { looked: String },
    #[error("cannot load OCR model {path}: {why}")]
    Load { path: PathBuf, why: String },
    #[error("cannot read image: {0}")]
    Image(String),
}

/// One line of recognised text.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    pub text: String,
    /// How sure the model is of the line, from 0 to 1.
    pub confidence: f32,
}

/// The models, loaded on first use and then shared by every thread.
pub struct Ocr {
    dir: PathBuf,
    models: OnceLock<Result<Models, String>>,
    cache: Option<Cache>,
}

struct Models {
    detection: Model,
    recognition: Model,
    alphabet: Alphabet,
}

impl Ocr {
    /// Finds the model folder: `explicit` (`--ocr-models`, `scan.ocr_models`),
    /// `NBGATE_OCR_MODELS`, `${XDG_DATA_HOME:-~/.local/share}/nbgate/ocr`,
    /// then beside the binary (the binary's folder, or `../share/nbgate/ocr`
    /// from it), and last the models built into the binary, if any
    /// ([`BUILT_IN_MODELS`]).
    ///
    /// A folder given explicitly is the only one looked at: a typo must not
    /// quietly fall back to other models.
    pub fn find_models(explicit: Option<&Path>) -> Result<PathBuf, OcrError> {
        let candidates: Vec<PathBuf> = match explicit {
            Some(dir) => vec![dir.to_path_buf()],
            None => default_model_dirs(),
        };
        if let Some(found) = candidates.iter().find(|dir| has_models(dir)) {
            return Ok(found.clone());
        }
        if explicit.is_none() && EMBEDDED.is_some() {
            return Ok(PathBuf::from(BUILT_IN_MODELS));
        }
        let looked = if candidates.is_empty() {
            "no folder: HOME and XDG_DATA_HOME are unset".to_string()
        } else {
            candidates
                .iter()
                .map(|dir| dir.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Err(OcrError::NoModels { looked })
    }

    /// Prepares to read images with the models in `dir`.
    ///
    /// Only checks that both files are there; the models load on the first
    /// [`read`](Ocr::read) (or [`preload`](Ocr::preload)). The cache is the
    /// default folder (see [`Cache::default_dir`]).
    pub fn load(dir: &Path) -> Result<Ocr, OcrError> {
        let sizes = match EMBEDDED.filter(|_| dir == Path::new(BUILT_IN_MODELS)) {
            Some((detection, recognition)) => [detection.len() as u64, recognition.len() as u64],
            None => [
                model_size(dir, DETECTION_MODEL)?,
                model_size(dir, RECOGNITION_MODEL)?,
            ],
        };
        // The models' sizes tell apart the pinned models from others put in
        // their place, without hashing 30 MB on every run.
        let version = format!("{PIPELINE_VERSION}/{}/{}", sizes[0], sizes[1]);
        let cache = Cache::default_dir().map(|cache_dir| Cache::new(cache_dir, version));
        Ok(Ocr {
            dir: dir.to_path_buf(),
            models: OnceLock::new(),
            cache,
        })
    }

    /// The folder the models come from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Loads the models now rather than on the first image, so a broken
    /// model file is an error at once (`--ocr required`).
    pub fn preload(&self) -> Result<(), OcrError> {
        self.models().map(|_| ())
    }

    /// The text of an image, from the cache or read now.
    pub fn read(&self, image: &[u8]) -> Result<Vec<OcrLine>, OcrError> {
        let entry = self.cache.as_ref().map(|cache| (cache, cache.entry(image)));
        if let Some((cache, entry)) = &entry {
            if let Some(text) = cache.get(entry) {
                return Ok(decode_cached(&text));
            }
        }

        let lines = self.read_uncached(image)?;
        if let Some((cache, entry)) = &entry {
            cache.put(entry, &encode_cached(&lines));
        }
        Ok(lines)
    }

    /// The cached text of an image, without reading it.
    pub fn cached(&self, image: &[u8]) -> Option<Vec<OcrLine>> {
        let cache = self.cache.as_ref()?;
        cache
            .get(&cache.entry(image))
            .map(|text| decode_cached(&text))
    }

    /// Reads an image with the models, bypassing the cache.
    pub fn read_uncached(&self, image: &[u8]) -> Result<Vec<OcrLine>, OcrError> {
        // Decoding first: an image that does not decode needs no models.
        let raster = Raster::decode(image).map_err(OcrError::Image)?;
        let models = self.models()?;

        let started = Instant::now();
        let boxes = detect::detect(&models.detection, &raster).map_err(OcrError::Image)?;
        let readings = recognize::recognize(&models.recognition, &models.alphabet, &raster, &boxes)
            .map_err(OcrError::Image)?;
        let readings = boxes
            .into_iter()
            .zip(readings)
            .filter(|(_, reading)| {
                reading.confidence >= MIN_LINE_CONFIDENCE && !reading.text.is_empty()
            })
            .collect();
        let lines: Vec<OcrLine> = layout::lines(readings)
            .into_iter()
            .map(|line| OcrLine {
                text: line.text,
                confidence: line.confidence,
            })
            .collect();
        log::debug!(
            "read {} lines in a {}x{} image in {:?}",
            lines.len(),
            raster.width,
            raster.height,
            started.elapsed()
        );
        Ok(lines)
    }

    fn models(&self) -> Result<&Models, OcrError> {
        let loaded = self.models.get_or_init(|| {
            let started = Instant::now();
            // Loaded on a thread of its own. The caller is often a rayon
            // worker, and a worker that waits on rten inside this initialiser
            // steals other jobs: another image's read, which then waits on
            // this same lock for ever (seen on a folder of notebooks with
            // images, before any text was cached).
            let models = std::thread::scope(|scope| {
                scope
                    .spawn(|| load_models(&self.dir))
                    .join()
                    .unwrap_or_else(|_| Err("loading the models panicked".to_string()))
            });
            log::debug!("OCR models loaded in {:?}", started.elapsed());
            models
        });
        loaded.as_ref().map_err(|why| OcrError::Load {
            path: self.dir.clone(),
            why: why.clone(),
        })
    }
}

fn load_models(dir: &Path) -> Result<Models, String> {
    let built_in = EMBEDDED.filter(|_| dir == Path::new(BUILT_IN_MODELS));
    let load = |name: &str, embedded: Option<&'static [u8]>| {
        let path = dir.join(name);
        let loaded = match embedded {
            Some(bytes) => Model::load_static_slice(bytes),
            None => Model::load_file(&path),
        };
        loaded.map_err(|err| {
            format!(
                "{}: {err}; run scripts/fetch-ocr-models.sh to fetch it again",
                path.display()
            )
        })
    };
    let detection = load(DETECTION_MODEL, built_in.map(|(detection, _)| detection))?;
    let recognition = load(
        RECOGNITION_MODEL,
        built_in.map(|(_, recognition)| recognition),
    )?;
    let listing = recognition.metadata().get(CHARACTER_KEY).ok_or_else(|| {
        format!("{RECOGNITION_MODEL} has no `{CHARACTER_KEY}` metadata listing its characters")
    })?;
    let alphabet = Alphabet::from_metadata(listing);
    Ok(Models {
        detection,
        recognition,
        alphabet,
    })
}

/// The folders looked in when none is given, in order.
fn default_model_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("NBGATE_OCR_MODELS").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = user_model_dir() {
        dirs.push(dir);
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        if let Some(prefix) = exe_dir.parent() {
            dirs.push(prefix.join("share").join("nbgate").join("ocr"));
        }
        dirs.push(exe_dir);
    }
    dirs
}

/// `${XDG_DATA_HOME:-$HOME/.local/share}/nbgate/ocr`, where the fetch script
/// puts the models.
pub fn user_model_dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_DATA_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".local").join("share")))
        .map(|base| base.join("nbgate").join("ocr"))
}

fn model_size(dir: &Path, name: &str) -> Result<u64, OcrError> {
    let path = dir.join(name);
    match std::fs::metadata(&path) {
        Ok(meta) => Ok(meta.len()),
        Err(err) => Err(OcrError::Load {
            path,
            why: format!("{err}; run scripts/fetch-ocr-models.sh"),
        }),
    }
}

fn has_models(dir: &Path) -> bool {
    dir.join(DETECTION_MODEL).is_file() && dir.join(RECOGNITION_MODEL).is_file()
}

/// Cached lines: one per line, confidence then a tab then the text.
fn encode_cached(lines: &[OcrLine]) -> String {
    lines
        .iter()
        .map(|line| format!("{:.4}\t{}\n", line.confidence, line.text))
        .collect()
}

fn decode_cached(text: &str) -> Vec<OcrLine> {
    text.lines()
        .filter_map(|line| {
            let (confidence, text) = line.split_once('\t')?;
            Some(OcrLine {
                text: text.to_string(),
                confidence: confidence.parse().unwrap_or(0.0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_lines_round_trip() {
        let lines = vec![
            OcrLine {
                text: "a\tb".into(),
                confidence: 0.5,
            },
            OcrLine {
                text: String::new(),
                confidence: 1.0,
            },
        ];
        assert_eq!(decode_cached(&encode_cached(&lines)), lines);
    }

    #[test]
    fn an_explicit_folder_without_models_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Ocr::find_models(Some(dir.path())).expect_err("no models there");
        let message = err.to_string();
        assert!(
            message.contains(&dir.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("fetch-ocr-models.sh"), "{message}");
    }
}
