//! nbgate reads Jupyter notebooks as notebooks and stops secrets and personal
//! data in them from entering git.
//!
//! Data flows one way, one module per arrow:
//! source → blob → notebook → part → segment → finding → policy → report.

pub mod cli;
pub mod config;
pub mod detect;
pub mod extract;
pub mod hook;
pub mod notebook;
pub mod ocr;
pub mod policy;
pub mod report;
pub mod scan;
pub mod source;
