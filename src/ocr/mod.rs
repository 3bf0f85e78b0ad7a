//! OCR reads the text inside images so the same rules can scan it.

use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum OcrError {
    #[error("no OCR models found (looked in {looked}); run `./install.sh --ocr-models`")]
    NoModels { looked: String },
    #[error("cannot load OCR model {path}: {why}")]
    Load { path: PathBuf, why: String },
    #[error("cannot read image: {0}")]
    Image(String),
}

/// One line of recognised text.
#[derive(Debug, Clone)]
pub struct OcrLine {
    pub text: String,
}

/// The loaded models.
pub struct Ocr {
    _dir: PathBuf,
}

impl Ocr {
    /// Finds the model folder: `explicit`, `NBGATE_OCR_MODELS`, the user data
    /// folder, then beside the binary.
    pub fn find_models(_explicit: Option<&Path>) -> Result<PathBuf, OcrError> {
        Err(OcrError::NoModels {
            looked: "nowhere yet".into(),
        })
    }

    pub fn load(dir: &Path) -> Result<Ocr, OcrError> {
        Err(OcrError::Load {
            path: dir.to_path_buf(),
            why: "OCR is not built yet".into(),
        })
    }

    pub fn read(&self, _image: &[u8]) -> Result<Vec<OcrLine>, OcrError> {
        Err(OcrError::Image("OCR is not built yet".into()))
    }
}
