//! Sources: where notebooks come from. Paths on disk, the git index
//! (pre-commit), pushed commits (pre-receive) and commit ranges (CI) all
//! become [`Blob`]s for the scanner.

pub mod paths;
pub mod pushed;
pub mod range;
pub mod staged;

pub use crate::scan::Blob;
