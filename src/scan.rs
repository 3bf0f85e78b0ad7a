//! Scanning one blob: bytes → notebook → segments → findings → verdicts.
//!
//! This is the only place that walks the whole chain; sources hand it blobs
//! and reports read what it returns. A blob that does not parse is never
//! passed silently: its raw text is scanned and an `nbgate.unreadable`
//! finding says why.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{Config, OcrMode};
use crate::detect::{self, Detector, Finding, Kind, RuleError, RuleSet, Sensitivity, Severity};
use crate::extract::{self, Image, Origin, Segment, Via};
use crate::notebook;
use crate::ocr::{Ocr, OcrError, OcrLine};
use crate::policy::{rule_listed, Policy, ValueAllowlist, Verdict};

/// The bytes of one notebook, and where they came from.
#[derive(Debug, Clone)]
pub struct Blob {
    /// The path a person knows the notebook by.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The previous version (HEAD's, or the parent commit's), for telling new
    /// findings from pre-existing ones and for not reading images again.
    pub previous: Option<Vec<u8>>,
    /// The ref and short commit that brought this version in (pre-receive).
    pub introduced_by: Option<String>,
}

/// Something nbgate did not read, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub origin: Origin,
    pub reason: String,
}

/// What one notebook gave.
#[derive(Debug)]
pub struct NotebookResult {
    pub path: String,
    pub findings: Vec<(Finding, Verdict)>,
    pub skipped: Vec<Skipped>,
}

/// The findings in one version of a notebook, and its images' SHA-256.
struct Scanned {
    findings: Vec<Finding>,
    images: BTreeSet<[u8; 32]>,
}

/// The fingerprints and image hashes of one notebook version.
struct VersionSummary {
    fingerprints: BTreeSet<String>,
    images: BTreeSet<[u8; 32]>,
}

impl VersionSummary {
    fn of(scanned: &Scanned) -> VersionSummary {
        VersionSummary {
            fingerprints: scanned
                .findings
                .iter()
                .map(|f| f.fingerprint.clone())
                .collect(),
            images: scanned.images.clone(),
        }
    }
}

/// Summaries of the notebook versions scanned in this run, by a keyed hash
/// of their bytes (the key is random per run, so no one can aim a collision).
struct VersionCache {
    hasher: std::collections::hash_map::RandomState,
    known: Mutex<HashMap<(u64, usize), Arc<VersionSummary>>>,
}

impl VersionCache {
    /// Versions remembered at most; past it the cache starts again.
    const CAPACITY: usize = 20_000;

    fn new() -> VersionCache {
        VersionCache {
            hasher: std::collections::hash_map::RandomState::new(),
            known: Mutex::new(HashMap::new()),
        }
    }

    fn key(&self, bytes: &[u8]) -> (u64, usize) {
        (self.hasher.hash_one(bytes), bytes.len())
    }

    fn get(&self, key: (u64, usize)) -> Option<Arc<VersionSummary>> {
        let known = self
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known.get(&key).cloned()
    }

    fn insert(&self, key: (u64, usize), summary: VersionSummary) -> Arc<VersionSummary> {
        let summary = Arc::new(summary);
        let mut known = self
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if known.len() >= Self::CAPACITY {
            known.clear();
        }
        known.insert(key, Arc::clone(&summary));
        summary
    }
}

impl Scanned {
    fn text_only(findings: Vec<Finding>) -> Scanned {
        Scanned {
            findings,
            images: BTreeSet::new(),
        }
    }
}

/// Whether images can be read in this run.
enum OcrState {
    Off,
    Missing(String),
    Ready(Box<Ocr>),
}

/// Everything a scan needs, built once per run and shared across threads.
pub struct Scanner {
    detector: Detector,
    policy: Policy,
    ocr: OcrState,
    /// Whether images the previous version already held are read even when
    /// their text is not cached: only when pre-existing findings block.
    read_unchanged_images: bool,
    max_notebook_bytes: u64,
    image_budget: Mutex<ImageBudget>,
    versions: VersionCache,
}

struct ImageBudget {
    images_left: usize,
    deadline: Duration,
    started: Instant,
}

#[derive(Debug, thiserror::Error)]
pub enum ScannerError {
    #[error(transparent)]
    Rules(#[from] RuleError),
    #[error(transparent)]
    Ocr(#[from] OcrError),
}

impl Scanner {
    /// Builds the rules, policy and OCR a configuration asks for.
    pub fn new(config: &Config) -> Result<Scanner, ScannerError> {
        let mut rules = RuleSet::builtin()?;
        for def in &config.rule {
            rules.add(detect::Rule::compile(def.clone())?);
        }
        rules
            .rules
            .retain(|rule| !rule_listed(&config.rules.disable, &rule.id));
        let detector = Detector::new(rules, ValueAllowlist::new(config))?;

        let mode = config.scan.ocr.unwrap_or_default();
        let ocr = match mode {
            OcrMode::Off => OcrState::Off,
            OcrMode::Auto | OcrMode::Required => {
                // The models themselves load on the first image read; with
                // `required`, now, so a broken model file fails the run.
                let loaded = Ocr::find_models(config.scan.ocr_models.as_deref())
                    .and_then(|dir| Ocr::load(&dir))
                    .and_then(|ocr| {
                        if mode == OcrMode::Required {
                            ocr.preload()?;
                        }
                        Ok(ocr)
                    });
                match loaded {
                    Ok(ocr) => OcrState::Ready(Box::new(ocr)),
                    Err(err) if mode == OcrMode::Required => return Err(err.into()),
                    Err(err) => {
                        log::warn!("images are not read: {err}");
                        OcrState::Missing(err.to_string())
                    }
                }
            }
        };

        Ok(Scanner {
            detector,
            policy: Policy::new(config),
            ocr,
            read_unchanged_images: config.policy.block_preexisting,
            max_notebook_bytes: config.scan.max_notebook_bytes,
            image_budget: Mutex::new(ImageBudget {
                images_left: config.scan.max_images,
                deadline: Duration::from_secs_f64(config.scan.ocr_seconds.max(0.0)),
                started: Instant::now(),
            }),
            versions: VersionCache::new(),
        })
    }

    pub fn rules(&self) -> &RuleSet {
        self.detector.rules()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Scans one blob. A bug in nbgate that panics on this blob blocks it
    /// with an `nbgate.internal-error` finding instead of ending the run.
    pub fn scan(&self, blob: &Blob) -> NotebookResult {
        let caught =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.scan_blob(blob)));
        caught.unwrap_or_else(|_| {
            let finding = self.nbgate_finding(
                "nbgate.internal-error",
                "could not be scanned: nbgate hit an internal error (please report it)".into(),
                "run `nbgate scan` on this file alone and report the message above it",
                &blob.bytes,
                None,
            );
            NotebookResult {
                path: blob.path.clone(),
                findings: vec![(finding, Verdict::Block)],
                skipped: Vec::new(),
            }
        })
    }

    fn scan_blob(&self, blob: &Blob) -> NotebookResult {
        let mut skipped = Vec::new();
        let before = blob
            .previous
            .as_ref()
            .map(|previous| self.version_summary(previous, &blob.path));
        let no_images = BTreeSet::new();
        let previous_images = before.as_ref().map_or(&no_images, |before| &before.images);
        let scanned =
            self.findings_with(&blob.bytes, &blob.path, &mut skipped, Some(previous_images));
        self.remember_version(&blob.bytes, &scanned);
        let mut findings = scanned.findings;

        if let Some(before) = &before {
            for finding in &mut findings {
                finding.preexisting |= before.fingerprints.contains(&finding.fingerprint);
            }
        }
        for finding in &mut findings {
            finding.introduced_by = blob.introduced_by.clone();
        }

        // Reading order: tables and images are scanned after the text, but a
        // person reads cell by cell.
        findings.sort_by(|a, b| {
            let place = |f: &Finding| {
                (
                    f.origin.cell,
                    f.origin.part,
                    f.origin.output,
                    f.line,
                    f.column,
                )
            };
            place(a).cmp(&place(b))
        });
        Policy::count_distinct(&mut findings);
        let findings = findings
            .into_iter()
            .map(|finding| {
                let verdict = self.policy.verdict(&finding);
                (finding, verdict)
            })
            .collect();
        NotebookResult {
            path: blob.path.clone(),
            findings,
            skipped,
        }
    }

    /// What a previous version of a notebook held: remembered when this run
    /// scanned those bytes already (in a push, each version is the previous
    /// version of the next commit's), else scanned now without reading images.
    fn version_summary(&self, bytes: &[u8], path: &str) -> Arc<VersionSummary> {
        let key = self.versions.key(bytes);
        if let Some(known) = self.versions.get(key) {
            return known;
        }
        let mut ignored = Vec::new();
        let scanned = self.findings_with(bytes, path, &mut ignored, None);
        self.versions.insert(key, VersionSummary::of(&scanned))
    }

    fn remember_version(&self, bytes: &[u8], scanned: &Scanned) {
        let key = self.versions.key(bytes);
        self.versions.insert(key, VersionSummary::of(scanned));
    }

    /// The findings in one version of a notebook, and the hashes of its
    /// images. Images are read only with `read_images`: the hashes of the
    /// previous version's images, which are not read again (see
    /// [`Scanner::read_image`]).
    fn findings_with(
        &self,
        bytes: &[u8],
        path: &str,
        skipped: &mut Vec<Skipped>,
        read_images: Option<&BTreeSet<[u8; 32]>>,
    ) -> Scanned {
        let text = String::from_utf8_lossy(bytes);
        if bytes.len() as u64 > self.max_notebook_bytes {
            let why = format!(
                "too large to read as a notebook ({} bytes, over scan.max_notebook_bytes = {}): \
                 scanned as raw text",
                bytes.len(),
                self.max_notebook_bytes
            );
            return Scanned::text_only(self.unreadable(&text, why, None));
        }
        let parsed = notebook::parse(&text);
        let notebook = match parsed {
            Ok(notebook) => notebook,
            Err(err) => {
                let line = err.line();
                return Scanned::text_only(self.unreadable(
                    &text,
                    format!("not readable as a notebook: {err}"),
                    line,
                ));
            }
        };

        let extracted = extract::extract(&notebook);
        let mut findings: Vec<Finding> = extracted
            .segments
            .iter()
            .flat_map(|segment| self.detector.scan_segment(segment))
            .collect();
        for table in extracted.tables.iter().filter(|t| t.scans_cells()) {
            findings.extend(self.detector.scan_table_cells(table));
        }
        self.detector.scan_tables(&extracted.tables, &mut findings);

        for problem in extracted.problems {
            skipped.push(Skipped {
                path: path.to_string(),
                origin: problem.origin,
                reason: problem.reason,
            });
        }
        let hashes: Vec<[u8; 32]> = extracted
            .images
            .iter()
            .map(|image| Sha256::digest(&image.bytes).into())
            .collect();
        if let Some(previous_images) = read_images {
            let unchanged: Vec<bool> = hashes.iter().map(|h| previous_images.contains(h)).collect();
            // Images are read in parallel; results are taken in notebook
            // order so the report does not depend on thread timing.
            let read: Vec<_> = extracted
                .images
                .par_iter()
                .zip(unchanged.par_iter())
                .map(|(image, &unchanged)| self.read_image(image, unchanged))
                .collect();
            for ((image, outcome), unchanged) in extracted.images.iter().zip(read).zip(unchanged) {
                match outcome {
                    Ok(Some(segment)) => {
                        let mut found = self.detector.scan_segment(&segment);
                        for finding in &mut found {
                            finding.preexisting = unchanged;
                        }
                        findings.extend(found);
                    }
                    Ok(None) => {}
                    Err(reason) => skipped.push(Skipped {
                        path: path.to_string(),
                        origin: image.origin.clone(),
                        reason,
                    }),
                }
            }
        }
        Scanned {
            findings,
            images: hashes.into_iter().collect(),
        }
    }

    /// The text of an image as a segment; `None` when it was deliberately not
    /// read; or why it could not be read. `unchanged` says the previous
    /// version of the notebook held the same image.
    ///
    /// An image the previous version already held (same bytes) can only give
    /// pre-existing findings. Its text is taken from the cache when there,
    /// and those findings shown as pre-existing; otherwise it is not read at
    /// all, as none of its findings could block, unless
    /// `policy.block_preexisting` makes them block. It is not listed as
    /// skipped: nothing that could change the verdict was left unread.
    fn read_image(&self, image: &Image, unchanged: bool) -> Result<Option<Segment>, String> {
        let ocr = match &self.ocr {
            OcrState::Off => return Err("OCR is off (--ocr off)".into()),
            OcrState::Missing(why) => return Err(why.clone()),
            OcrState::Ready(ocr) => ocr,
        };
        // Text already read costs no budget.
        if let Some(lines) = ocr.cached(&image.bytes) {
            return Ok(Some(ocr_segment(image, lines)));
        }
        if unchanged && !self.read_unchanged_images {
            log::debug!(
                "an image in cell {:?} is not read: the previous version holds it",
                image.origin.cell
            );
            return Ok(None);
        }
        {
            let mut budget = self
                .image_budget
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if budget.images_left == 0 {
                return Err("over the run's image budget (scan.max_images)".into());
            }
            if budget.started.elapsed() > budget.deadline {
                return Err("over the run's OCR time budget (scan.ocr_seconds)".into());
            }
            budget.images_left -= 1;
        }
        let lines = ocr.read(&image.bytes).map_err(|err| err.to_string())?;
        Ok(Some(ocr_segment(image, lines)))
    }

    /// A notebook that could not be read: its raw text scanned, and a
    /// blocking finding that says why.
    fn unreadable(&self, text: &str, why: String, line: Option<usize>) -> Vec<Finding> {
        let raw = Segment {
            text: text.to_string(),
            origin: Arc::new(Origin::default()),
            via: Via::Raw,
            file_lines: Vec::new(),
            table: None,
            json_path: None,
        };
        let mut findings: Vec<Finding> = self.detector.scan_segment(&raw);
        for finding in &mut findings {
            finding.file_line = u32::try_from(finding.line).ok();
        }
        findings.push(self.nbgate_finding(
            "nbgate.unreadable",
            why,
            "fix the JSON (open and save it in Jupyter), or exclude the path with allow.paths",
            text.as_bytes(),
            line,
        ));
        findings
    }

    /// A finding of nbgate's own about a whole notebook; it blocks.
    fn nbgate_finding(
        &self,
        rule_id: &str,
        message: String,
        help: &str,
        bytes: &[u8],
        line: Option<usize>,
    ) -> Finding {
        Finding {
            rule_id: rule_id.into(),
            kind: Kind::Nbgate,
            sensitivity: Sensitivity::Secret,
            severity: Severity::Block,
            message,
            help: help.into(),
            origin: Origin::default(),
            via: Via::Raw,
            line: line.unwrap_or(1),
            column: 1,
            context_column: 1,
            width: 0,
            table: None,
            json_path: None,
            file_line: line.and_then(|l| u32::try_from(l).ok()),
            preview: String::new(),
            fingerprint: detect::fingerprint(rule_id, &String::from_utf8_lossy(bytes)),
            context: String::new(),
            count: 1,
            inline_allow: false,
            preexisting: false,
            introduced_by: None,
            distinct_in_part: 1,
            folded: Vec::new(),
        }
    }
}

/// Recognised lines as a segment located at the image.
fn ocr_segment(image: &Image, lines: Vec<OcrLine>) -> Segment {
    let text = lines
        .into_iter()
        .map(|line| line.text)
        .collect::<Vec<_>>()
        .join("\n");
    Segment {
        text,
        origin: Arc::new(image.origin.clone()),
        via: Via::Ocr,
        file_lines: image.file_line.into_iter().collect(),
        table: None,
        json_path: None,
    }
}
