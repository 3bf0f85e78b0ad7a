//! Configuration: `.nbgate.toml` at the repository root, `[tool.nbgate]` in
//! `pyproject.toml`, or `--config FILE`; on a server, the server's own file.
//!
//! Every key is known: an unknown key, a wrong type or an invalid regex is an
//! error that names the file, the line and the key, and nothing is scanned
//! with a half-read configuration. `config.example.toml` documents each key.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::detect::{RuleDef, Severity};

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The whole configuration, as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub rules: RulesConfig,
    /// Custom rules, in the built-in rule format.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    #[serde(default)]
    pub allow: AllowConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub server: ServerConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OcrMode {
    /// Read images when the models are found; otherwise list them as skipped.
    #[default]
    Auto,
    /// Exit 2 when the models are missing.
    Required,
    /// Never read images; list them as skipped.
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    #[serde(default)]
    pub ocr: Option<OcrMode>,
    /// Folder of the OCR models.
    #[serde(default)]
    pub ocr_models: Option<PathBuf>,
    /// Images read per run at most; the rest are listed as skipped.
    #[serde(default = "default_max_images")]
    pub max_images: usize,
    /// Seconds spent reading images per run at most.
    #[serde(default = "default_ocr_seconds")]
    pub ocr_seconds: f64,
    /// Notebooks larger than this are scanned as raw text only.
    #[serde(default = "default_max_notebook_bytes")]
    pub max_notebook_bytes: u64,
}

fn default_max_images() -> usize {
    200
}
fn default_ocr_seconds() -> f64 {
    60.0
}
fn default_max_notebook_bytes() -> u64 {
    256 * 1024 * 1024
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            ocr: None,
            ocr_models: None,
            max_images: default_max_images(),
            ocr_seconds: default_ocr_seconds(),
            max_notebook_bytes: default_max_notebook_bytes(),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule ids (or prefixes ending in `*`) that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Per-rule severity: `"pii.email" = "warn"`.
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, Severity>,
    /// Per-part severity for a rule: `"pii.email" = { source = "warn", output = "block" }`.
    #[serde(default)]
    pub part_severity:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, Severity>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    /// Globs of notebook paths not scanned at all.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Rule ids allowed everywhere (same as disabling them, but reported as allowed).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Literal values never reported.
    #[serde(default)]
    pub values: Vec<String>,
    /// Regexes; a value any of them matches whole is never reported.
    #[serde(default)]
    pub value_regexes: Vec<String>,
    /// Fingerprints printed by a report.
    #[serde(default)]
    pub fingerprints: Vec<String>,
    /// E-mail domains whose addresses are not personal data (`acme.com`).
    #[serde(default)]
    pub email_domains: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Block findings that the previous version of the notebook held already.
    #[serde(default)]
    pub block_preexisting: bool,
    /// Distinct contact values in one source part from which it blocks.
    #[serde(default = "default_contact_source_threshold")]
    pub contact_source_threshold: usize,
    /// Exit 1 on warnings too.
    #[serde(default)]
    pub fail_on_warn: bool,
}

fn default_contact_source_threshold() -> usize {
    3
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            block_preexisting: false,
            contact_source_threshold: default_contact_source_threshold(),
            fail_on_warn: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OnTimeout {
    #[default]
    Reject,
    Allow,
}

/// Keys read only from the server's configuration (pre-receive).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Let a `.nbgate.toml` in the pushed commits add to the server policy.
    #[serde(default)]
    pub trust_repo_config: bool,
    #[serde(default = "default_max_seconds")]
    pub max_seconds: f64,
    /// Bytes of notebooks read per push at most.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    #[serde(default)]
    pub on_timeout: OnTimeout,
    /// Allow `git push -o nbgate.bypass="reason"`.
    #[serde(default)]
    pub allow_bypass: bool,
    /// Where bypasses are recorded, one JSON line each.
    #[serde(default)]
    pub audit_log: Option<PathBuf>,
}

fn default_max_seconds() -> f64 {
    30.0
}
fn default_max_bytes() -> u64 {
    512 * 1024 * 1024
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            trust_repo_config: false,
            max_seconds: default_max_seconds(),
            max_bytes: default_max_bytes(),
            on_timeout: OnTimeout::Reject,
            allow_bypass: false,
            audit_log: None,
        }
    }
}

impl Config {
    /// Reads a configuration file: `pyproject.toml` is read from its
    /// `[tool.nbgate]` table, any other file whole.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            return Self::from_pyproject(&text, path).map(Option::unwrap_or_default);
        }
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|err| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe_toml_error(text, &err),
        })?;
        config.check(path)?;
        Ok(config)
    }

    /// `[tool.nbgate]` of a `pyproject.toml`, if it has one.
    fn from_pyproject(text: &str, path: &Path) -> Result<Option<Config>, ConfigError> {
        let doc: toml::Table = toml::from_str(text).map_err(|err| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe_toml_error(text, &err),
        })?;
        let Some(section) = doc.get("tool").and_then(|tool| tool.get("nbgate")) else {
            return Ok(None);
        };
        let config = Config::deserialize(section.clone()).map_err(|err| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!("[tool.nbgate]: {}", err.message()),
        })?;
        config.check(path)?;
        Ok(Some(config))
    }

    /// The repository's configuration: `.nbgate.toml`, else `[tool.nbgate]`
    /// in `pyproject.toml`, else defaults.
    pub fn discover(root: &Path) -> Result<Config, ConfigError> {
        let dotfile = root.join(".nbgate.toml");
        if dotfile.is_file() {
            return Config::load(&dotfile);
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            let text = std::fs::read_to_string(&pyproject).map_err(|source| ConfigError::Read {
                path: pyproject.clone(),
                source,
            })?;
            return Ok(Self::from_pyproject(&text, &pyproject)?.unwrap_or_default());
        }
        Ok(Config::default())
    }

    /// Checks what serde cannot: regexes compile, globs parse, custom rules
    /// are valid.
    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        for pattern in &self.allow.value_regexes {
            regex::Regex::new(pattern)
                .map_err(|err| invalid(format!("allow.value_regexes: `{pattern}`: {err}")))?;
        }
        for glob in &self.allow.paths {
            globset::Glob::new(glob)
                .map_err(|err| invalid(format!("allow.paths: `{glob}`: {err}")))?;
        }
        for def in &self.rule {
            let rule = crate::detect::Rule::compile(def.clone())
                .map_err(|err| invalid(format!("[[rule]] {err}")))?;
            // A custom rule is held to its own examples, as built-in ones are.
            // Examples are named by number: one may be a real value.
            for (number, example) in rule.examples.iter().enumerate() {
                if rule.find_values(example).is_empty() {
                    return Err(invalid(format!(
                        "[[rule]] `{}`: its pattern does not match its example {}",
                        rule.id,
                        number + 1
                    )));
                }
            }
            for (number, example) in rule.negative_examples.iter().enumerate() {
                if !rule.find_values(example).is_empty() {
                    return Err(invalid(format!(
                        "[[rule]] `{}`: its pattern matches its negative example {}",
                        rule.id,
                        number + 1
                    )));
                }
            }
        }
        for (part_rule, parts) in &self.rules.part_severity {
            for part in parts.keys() {
                if !["source", "output", "attachment", "metadata"].contains(&part.as_str()) {
                    return Err(invalid(format!(
                        "rules.part_severity.\"{part_rule}\": unknown part `{part}` \
                         (source, output, attachment or metadata)"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A TOML error as one line: what, where (line), and which key.
fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim().replace('\n', " ");
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let err = Config::parse(
            "[allow]\npaths = []\nfingerprint = []\n",
            Path::new("x.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("fingerprint"), "{err}");
    }

    #[test]
    fn bad_regex_is_an_error() {
        let err = Config::parse("[allow]\nvalue_regexes = ['(']\n", Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("value_regexes"), "{err}");
    }

    /// The documented example is a valid configuration: every key it shows
    /// exists, and every custom rule in it compiles.
    #[test]
    fn config_example_parses() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"));
        let config = Config::load(path).expect("config.example.toml is valid");
        assert_eq!(config.rule.len(), 1);
        assert!(config.server.max_seconds > 0.0);
    }

    #[test]
    fn pyproject_section_is_read() {
        let config = Config::from_pyproject(
            "[project]\nname='x'\n[tool.nbgate.allow]\nemail_domains = ['acme.com']\n",
            Path::new("pyproject.toml"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(config.allow.email_domains, ["acme.com"]);
    }
}
