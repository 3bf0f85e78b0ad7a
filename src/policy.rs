//! Policy decides what a finding means: whether it blocks, warns, or is
//! allowed, and why.
//!
//! Defaults: any secret blocks; high-sensitivity identifiers block anywhere;
//! contact data blocks in outputs, attachments and metadata, and in a source
//! only from several distinct values (a customer list), otherwise it warns;
//! network identifiers warn. Configuration re-grades rules per rule and per
//! part, and allows by path, rule, value, fingerprint, e-mail domain, inline
//! `nbgate: allow` comment and the cell tags `nbgate-allow` and
//! `nbgate-allow:<rule-id>`.

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::detect::{Finding, Kind, Sensitivity, Severity};
use crate::extract::PartKind;

/// Why a finding does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    Path,
    Rule,
    Fingerprint,
    CellTag,
    InlineComment,
}

/// What policy made of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Block,
    Warn,
    /// Reported as pre-existing: the previous version held it already.
    PreExisting,
    Allowed(Allowed),
}

/// Values that are never reported, checked while the value is still at hand
/// (inside detection), since a finding keeps only its fingerprint.
#[derive(Debug, Default, Clone)]
pub struct ValueAllowlist {
    values: BTreeSet<String>,
    regexes: Vec<Regex>,
    email_domains: Vec<String>,
}

impl ValueAllowlist {
    pub fn new(config: &Config) -> ValueAllowlist {
        ValueAllowlist {
            values: config.allow.values.iter().cloned().collect(),
            // Checked by Config::check already.
            regexes: config
                .allow
                .value_regexes
                .iter()
                .filter_map(|p| Regex::new(&format!("^(?:{p})$")).ok())
                .collect(),
            email_domains: config
                .allow
                .email_domains
                .iter()
                .map(|d| d.trim_start_matches('@').to_ascii_lowercase())
                .collect(),
        }
    }

    pub fn allows(&self, rule_id: &str, value: &str) -> bool {
        if self.values.contains(value) || self.regexes.iter().any(|r| r.is_match(value)) {
            return true;
        }
        if rule_id == "pii.email" {
            if let Some((_, domain)) = value.rsplit_once('@') {
                let domain = domain.to_ascii_lowercase();
                return self
                    .email_domains
                    .iter()
                    .any(|d| domain == *d || domain.ends_with(&format!(".{d}")));
            }
        }
        false
    }
}

/// The policy in force for one run.
#[derive(Debug, Clone)]
pub struct Policy {
    paths: GlobSet,
    rules: Vec<String>,
    fingerprints: BTreeSet<String>,
    severity: BTreeMap<String, Severity>,
    part_severity: BTreeMap<String, BTreeMap<String, Severity>>,
    block_preexisting: bool,
    contact_source_threshold: usize,
}

impl Policy {
    pub fn new(config: &Config) -> Policy {
        let mut paths = GlobSetBuilder::new();
        for glob in &config.allow.paths {
            // Checked by Config::check already.
            if let Ok(glob) = Glob::new(glob) {
                paths.add(glob);
            }
        }
        Policy {
            paths: paths.build().unwrap_or_else(|_| GlobSet::empty()),
            rules: config.allow.rules.clone(),
            fingerprints: config.allow.fingerprints.iter().cloned().collect(),
            severity: config.rules.severity.clone(),
            part_severity: config.rules.part_severity.clone(),
            block_preexisting: config.policy.block_preexisting,
            contact_source_threshold: config.policy.contact_source_threshold.max(1),
        }
    }

    /// Whether a notebook path is not scanned at all.
    pub fn skips_path(&self, path: &str) -> bool {
        self.paths.is_match(path)
    }

    /// Sets `distinct_in_part` on every finding: how many distinct values of
    /// its rule the same part holds.
    pub fn count_distinct(findings: &mut [Finding]) {
        let mut distinct: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        let key = |f: &Finding| (format!("{:?}", part_key(f)), f.rule_id.clone());
        for finding in findings.iter() {
            distinct
                .entry(key(finding))
                .or_default()
                .insert(finding.fingerprint.clone());
        }
        for finding in findings.iter_mut() {
            let in_part = distinct.get(&key(finding)).map_or(1, BTreeSet::len);
            finding.distinct_in_part = in_part.max(finding.count);
        }
    }

    pub fn verdict(&self, finding: &Finding) -> Verdict {
        if let Some(why) = self.allowed(finding) {
            return Verdict::Allowed(why);
        }
        let severity = self.severity(finding);
        if finding.preexisting && !self.block_preexisting {
            return Verdict::PreExisting;
        }
        match severity {
            Severity::Block => Verdict::Block,
            Severity::Warn => Verdict::Warn,
        }
    }

    fn allowed(&self, finding: &Finding) -> Option<Allowed> {
        if finding.kind == Kind::Nbgate {
            // nbgate's own findings (an unreadable notebook) are allowed only
            // by path or fingerprint.
            return self
                .fingerprints
                .contains(&finding.fingerprint)
                .then_some(Allowed::Fingerprint);
        }
        if rule_listed(&self.rules, &finding.rule_id) {
            return Some(Allowed::Rule);
        }
        if self.fingerprints.contains(&finding.fingerprint) {
            return Some(Allowed::Fingerprint);
        }
        for tag in &finding.origin.tags {
            if tag == "nbgate-allow" {
                return Some(Allowed::CellTag);
            }
            if let Some(rule) = tag.strip_prefix("nbgate-allow:") {
                if rule_matches(rule.trim(), &finding.rule_id) {
                    return Some(Allowed::CellTag);
                }
            }
        }
        if finding.inline_allow && finding.origin.part == Some(PartKind::Source) {
            return Some(Allowed::InlineComment);
        }
        None
    }

    /// The severity after defaults by part and the configuration's overrides.
    fn severity(&self, finding: &Finding) -> Severity {
        let part = finding.origin.part.map_or("source", PartKind::as_str);
        if let Some(by_part) = self.part_severity.get(&finding.rule_id) {
            if let Some(severity) = by_part.get(part) {
                return *severity;
            }
        }
        if let Some(severity) = self.severity.get(&finding.rule_id) {
            return *severity;
        }
        match finding.sensitivity {
            Sensitivity::Secret | Sensitivity::High => finding.severity,
            Sensitivity::Network => Severity::Warn,
            Sensitivity::Contact => {
                let in_source = finding.origin.part == Some(PartKind::Source);
                if in_source && finding.distinct_in_part < self.contact_source_threshold {
                    Severity::Warn
                } else {
                    finding.severity
                }
            }
        }
    }
}

fn part_key(
    finding: &Finding,
) -> (
    Option<usize>,
    Option<PartKind>,
    Option<usize>,
    Option<String>,
) {
    (
        finding.origin.cell,
        finding.origin.part,
        finding.origin.output,
        finding.origin.attachment.clone(),
    )
}

/// Whether a rule id is named by a list entry (an id, or a prefix ending in `*`).
pub fn rule_listed(list: &[String], rule_id: &str) -> bool {
    list.iter().any(|entry| rule_matches(entry, rule_id))
}

fn rule_matches(entry: &str, rule_id: &str) -> bool {
    match entry.strip_suffix('*') {
        Some(prefix) => rule_id.starts_with(prefix),
        None => entry == rule_id,
    }
}
