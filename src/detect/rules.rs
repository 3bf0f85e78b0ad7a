//! Rules are data: TOML files embedded in the binary (`src/detect/rules/`),
//! and custom rules in the same format from configuration.
//!
//! ```toml
//! [[rule]]
//! id = "secret.aws-access-key-id"      # <kind>.<provider>-<what>
//! name = "AWS access key ID"           # what a person reads
//! kind = "secret"                      # secret | pii
//! sensitivity = "secret"               # secret | high | contact | network (pii rules)
//! severity = "block"                   # block | warn (policy may change it)
//! keywords = ["akia", "asia"]          # any of them must occur (case-insensitive)
//! generic = false                      # true: dropped where a specific rule found the value
//! pattern = '''\b(?P<value>(?:AKIA|ASIA)[A-Z2-7]{16})\b'''
//! min_entropy = 3.0                    # Shannon bits per character of the value
//! validators = ["not-placeholder"]     # names from validate.rs, all must pass
//! help = "delete it, rotate the key, and read it from the environment"
//! examples = ['key = "AKIA..."']        # each must give a finding
//! negative_examples = ['AKIAIOSFODNN7EXAMPLE']  # each must give none
//! ```
//!
//! The value is the capture group named `value`; where the pattern has
//! alternatives, the first other named group that took part (`value_digits`,
//! say); otherwise the whole match. A `\b` in a pattern is an ASCII word
//! boundary (see `ascii_word_boundaries`).

use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;
use thiserror::Error;

use super::validate;

/// The rule files built into nbgate.
const BUILTIN: &[(&str, &str)] = &[
    ("cloud.toml", include_str!("rules/cloud.toml")),
    ("vcs.toml", include_str!("rules/vcs.toml")),
    ("chat.toml", include_str!("rules/chat.toml")),
    ("payments.toml", include_str!("rules/payments.toml")),
    ("registries.toml", include_str!("rules/registries.toml")),
    ("ml-platforms.toml", include_str!("rules/ml-platforms.toml")),
    ("data.toml", include_str!("rules/data.toml")),
    ("keys.toml", include_str!("rules/keys.toml")),
    ("generic.toml", include_str!("rules/generic.toml")),
    ("pii.toml", include_str!("rules/pii.toml")),
];

#[derive(Debug, Error)]
pub enum RuleError {
    #[error("{file}: {why}")]
    File { file: String, why: String },
    #[error("rule `{rule}`: {why}")]
    Invalid { rule: String, why: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Secret,
    Pii,
    /// nbgate's own findings: an unreadable notebook, say.
    Nbgate,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Pii => "pii",
            Kind::Nbgate => "nbgate",
        }
    }
}

/// How much harm a leak does, which sets the default policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Credentials: block anywhere.
    Secret,
    /// SSN, card, IBAN, NPI, passport, MRN: block anywhere.
    High,
    /// E-mail, phone, names, addresses: block in outputs, warn for one value
    /// in a source.
    Contact,
    /// IP addresses: warn.
    Network,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Block,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

/// A rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub sensitivity: Option<Sensitivity>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A generic rule (a `password = "..."` assignment, say) gives way to a
    /// specific rule that found a value overlapping its own.
    #[serde(default)]
    pub generic: bool,
    pub pattern: String,
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub validators: Vec<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub sensitivity: Sensitivity,
    pub severity: Severity,
    pub keywords: Vec<String>,
    pub generic: bool,
    pub pattern: String,
    /// Compiled on first use: a commit that touches one notebook should not
    /// pay for compiling every rule's regex.
    regex: OnceLock<Regex>,
    pub min_entropy: Option<f64>,
    pub validators: Vec<String>,
    pub help: String,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// A value a rule found, as byte offsets into the text.
pub struct FoundValue<'t> {
    pub start: usize,
    pub end: usize,
    pub value: &'t str,
}

impl Rule {
    /// A rule from configuration: its pattern is compiled now, so a bad one
    /// is an error before anything is scanned.
    pub fn compile(def: RuleDef) -> Result<Rule, RuleError> {
        let regex = build_regex(&def.pattern).map_err(|err| RuleError::Invalid {
            rule: def.id.clone(),
            why: format!("invalid pattern: {err}"),
        })?;
        let rule = Rule::new(def)?;
        let _ = rule.regex.set(regex);
        Ok(rule)
    }

    /// A built-in rule: its pattern is compiled on first use (the test
    /// `every_rule_matches_its_examples` compiles every one).
    fn builtin(def: RuleDef) -> Result<Rule, RuleError> {
        Rule::new(def)
    }

    fn new(def: RuleDef) -> Result<Rule, RuleError> {
        let invalid = |why: String| RuleError::Invalid {
            rule: def.id.clone(),
            why,
        };
        for name in &def.validators {
            if !validate::exists(name) {
                return Err(invalid(format!(
                    "unknown validator `{name}` (known: {})",
                    validate::NAMES.join(", ")
                )));
            }
        }
        if !def.id.contains('.') {
            return Err(invalid(
                "an id is `<kind>.<name>`, such as `secret.acme-token`".into(),
            ));
        }
        let sensitivity = def.sensitivity.unwrap_or(match def.kind {
            Kind::Secret => Sensitivity::Secret,
            _ => Sensitivity::High,
        });
        let severity = def.severity.unwrap_or(match sensitivity {
            Sensitivity::Network => Severity::Warn,
            _ => Severity::Block,
        });
        let help = def.help.unwrap_or_else(|| match def.kind {
            Kind::Secret => "remove it, revoke it, and read it from the environment".into(),
            _ => "remove it, or clear the output before committing".into(),
        });
        Ok(Rule {
            id: def.id,
            name: def.name,
            kind: def.kind,
            sensitivity,
            severity,
            keywords: def.keywords,
            generic: def.generic,
            pattern: def.pattern,
            regex: OnceLock::new(),
            min_entropy: def.min_entropy,
            validators: def.validators,
            help,
            examples: def.examples,
            negative_examples: def.negative_examples,
        })
    }

    /// The compiled pattern.
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| match build_regex(&self.pattern) {
            Ok(regex) => regex,
            // Only built-in rules are compiled lazily, and a test compiles
            // each of them; a regex that matches nothing keeps a release
            // that slipped through scanning with every other rule.
            Err(err) => {
                log::error!("rule `{}` has an invalid pattern: {err}", self.id);
                Regex::new(r"[^\s\S]").expect("the empty class compiles")
            }
        })
    }

    /// Every value in `text` that matches and passes the rule's checks.
    pub fn find_values<'t>(&self, text: &'t str) -> Vec<FoundValue<'t>> {
        self.find_values_claiming(text, &mut Vec::new())
    }

    /// [`Rule::find_values`], also adding to `claimed` the byte range of
    /// every value the pattern matched, whether it passed the checks or not:
    /// a `ghp_` token whose checksum fails is still GitHub's shape, and no
    /// generic rule should report it as some other token.
    pub fn find_values_claiming<'t>(
        &self,
        text: &'t str,
        claimed: &mut Vec<(usize, usize)>,
    ) -> Vec<FoundValue<'t>> {
        let mut found = Vec::new();
        let regex = self.regex();
        for captures in regex.captures_iter(text) {
            let named = regex
                .capture_names()
                .flatten()
                .find_map(|name| captures.name(name));
            let Some(value) = captures.name("value").or(named).or_else(|| captures.get(0)) else {
                continue;
            };
            claimed.push((value.start(), value.end()));
            let whole = captures.get(0).map_or("", |m| m.as_str());
            let (line_start, line_end) = line_bounds(text, value.start(), value.end());
            let context = validate::Context {
                whole,
                line: &text[line_start..line_end],
                before: &text[line_start..value.start()],
                after: &text[value.end()..line_end],
            };
            if !self.accepts(value.as_str(), &context) {
                continue;
            }
            found.push(FoundValue {
                start: value.start(),
                end: value.end(),
                value: value.as_str(),
            });
        }
        found
    }

    fn accepts(&self, value: &str, context: &validate::Context) -> bool {
        if value.is_empty() {
            return false;
        }
        if let Some(min) = self.min_entropy {
            if validate::shannon_entropy(value) < min {
                return false;
            }
        }
        if self.kind == Kind::Secret && validate::is_placeholder(value) {
            return false;
        }
        self.validators
            .iter()
            .all(|name| validate::run(name, value, context))
    }
}

fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&ascii_word_boundaries(pattern))
        .size_limit(1 << 24)
        .build()
}

/// The pattern with each `\b` made an ASCII word boundary, `(?-u:\b)`.
///
/// Rules put `\b` around tokens and keywords, which are ASCII. A Unicode
/// `\b` makes the regex engine leave its fast DFA for the slow PikeVM on
/// any text with a non-ASCII character, which most corpora hold somewhere:
/// on the real corpus, ASCII boundaries cut scanning CPU by about a tenth.
fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') if !out.ends_with("(?-u:") => out.push_str("(?-u:\\b)"),
            Some(escaped) => {
                out.push('\\');
                out.push(escaped);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The byte range of the line(s) holding `start..end`.
fn line_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |at| end + at);
    (line_start, line_end)
}

/// All the rules in force.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The rules built into nbgate.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for (file, text) in BUILTIN {
            set.add_file(file, text)?;
        }
        Ok(set)
    }

    /// Adds the rules of one TOML file; a rule with an id already present
    /// replaces it.
    fn add_file(&mut self, file: &str, text: &str) -> Result<(), RuleError> {
        let parsed: RuleFile = toml::from_str(text).map_err(|err| RuleError::File {
            file: file.to_string(),
            why: err.to_string(),
        })?;
        for def in parsed.rule {
            self.add(Rule::builtin(def)?);
        }
        Ok(())
    }

    pub fn add(&mut self, rule: Rule) {
        match self.rules.iter_mut().find(|r| r.id == rule.id) {
            Some(existing) => *existing = rule,
            None => self.rules.push(rule),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_boundaries_become_ascii_and_escapes_stay() {
        assert_eq!(ascii_word_boundaries(r"\bkey\b"), r"(?-u:\b)key(?-u:\b)");
        assert_eq!(ascii_word_boundaries(r"a\\b\d"), r"a\\b\d");
        assert_eq!(ascii_word_boundaries(r"(?-u:\b)x"), r"(?-u:\b)x");
        let regex = build_regex(r"\bph\b").unwrap();
        assert!(regex.is_match("Zoë ph: 1") && !regex.is_match("graph"));
    }

    use super::*;

    /// Every built-in rule finds each of its examples and none of its
    /// negative examples, on its own and through the whole detector.
    #[test]
    fn every_rule_matches_its_examples() {
        let set = RuleSet::builtin().expect("built-in rules load");
        let mut failures = Vec::new();
        for rule in &set.rules {
            if rule.examples.is_empty() {
                failures.push(format!("{}: no examples", rule.id));
            }
            for example in &rule.examples {
                if rule.find_values(example).is_empty() {
                    failures.push(format!("{}: missed example {example:?}", rule.id));
                }
            }
            for example in &rule.negative_examples {
                if !rule.find_values(example).is_empty() {
                    failures.push(format!("{}: matched negative {example:?}", rule.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_builtin_pattern_compiles() {
        let set = RuleSet::builtin().expect("built-in rules load");
        for rule in &set.rules {
            if let Err(err) = build_regex(&rule.pattern) {
                panic!("{}: {err}", rule.id);
            }
        }
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for (file, text) in BUILTIN {
            let parsed: RuleFile = toml::from_str(text).unwrap();
            for def in parsed.rule {
                assert!(
                    seen.insert(def.id.clone()),
                    "{file}: duplicate id {}",
                    def.id
                );
            }
        }
    }
}
