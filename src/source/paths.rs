//! Notebooks named on the command line: files, folders (recursive, honouring
//! `.gitignore`) and `-` for standard input.

use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

use super::Blob;

#[derive(Debug, Error)]
pub enum PathError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: no such file or folder")]
    Missing { path: PathBuf },
    #[error("walking {path}: {why}")]
    Walk { path: PathBuf, why: String },
}

/// The notebook files under the given paths, in a stable order. A file named
/// explicitly is taken whatever its extension; in folders only `*.ipynb`.
pub fn notebook_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PathError> {
    let mut found = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            found.push(path.clone());
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                PathError::Missing { path: path.clone() }
            } else {
                PathError::Io {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        if meta.is_file() {
            found.push(path.clone());
            continue;
        }
        let mut in_folder = Vec::new();
        for entry in ignore::WalkBuilder::new(path).hidden(false).build() {
            let entry = entry.map_err(|err| PathError::Walk {
                path: path.clone(),
                why: err.to_string(),
            })?;
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            let is_notebook = entry.path().extension().is_some_and(|e| e == "ipynb");
            if entry.path().components().any(|c| c.as_os_str() == ".git") {
                continue;
            }
            if is_file && is_notebook {
                in_folder.push(entry.into_path());
            } else if is_file {
                log::debug!("{}: not a notebook, skipped", entry.path().display());
            }
        }
        in_folder.sort();
        found.extend(in_folder);
    }
    Ok(found)
}

/// Reads one path (or standard input for `-`) into a blob.
pub fn read_blob(path: &Path) -> Result<Blob, PathError> {
    let io_error = |source| PathError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(io_error)?;
        ("<stdin>".to_string(), bytes)
    } else {
        let bytes = std::fs::read(path).map_err(io_error)?;
        (display_path(path), bytes)
    };
    Ok(Blob {
        path: name,
        bytes,
        previous: None,
        introduced_by: None,
    })
}

/// A path as shown: relative, without a leading `./`.
fn display_path(path: &Path) -> String {
    let shown = path.to_string_lossy();
    shown.strip_prefix("./").unwrap_or(&shown).to_string()
}
