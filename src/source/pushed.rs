//! Pushed commits as a source, for pre-receive: the ref updates git hands the
//! hook, the objects of the push (still in git's quarantine), the server's
//! own configuration, push options, and the audit line of a bypass.
//!
//! While pre-receive runs, the pushed objects live in a quarantine folder
//! that git names in `GIT_OBJECT_DIRECTORY`; gix does not read that
//! variable, so a repository opened plainly cannot see a single pushed
//! commit, and a hook built that way passes everything. The object database
//! here is a fresh folder outside the repository whose alternates list the
//! quarantine, git's other alternates and the repository's own objects:
//! nothing is written into the quarantine or the repository.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use gix::{ObjectId, Repository};

use super::range::{GitError, Tip};
use crate::config::{Config, ConfigError};
use crate::detect::Severity;

/// One line of pre-receive's standard input: `<old> <new> <ref>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: ObjectId,
    pub new: ObjectId,
    pub name: String,
}

impl RefUpdate {
    pub fn is_deletion(&self) -> bool {
        self.new.is_null()
    }
}

/// Reads the ref updates git writes to pre-receive's standard input.
pub fn read_ref_updates(input: impl BufRead) -> Result<Vec<RefUpdate>, GitError> {
    let mut updates = Vec::new();
    for (number, line) in input.lines().enumerate() {
        let line =
            line.map_err(|err| GitError::Invalid(format!("reading the ref updates: {err}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = || {
            GitError::Invalid(format!(
                "ref update line {}: expected `<old> <new> <ref>`, got `{}`",
                number + 1,
                line.chars().take(200).collect::<String>()
            ))
        };
        let mut fields = line.split_whitespace();
        let (Some(old), Some(new), Some(name), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(bad());
        };
        updates.push(RefUpdate {
            old: ObjectId::from_hex(old.as_bytes()).map_err(|_| bad())?,
            new: ObjectId::from_hex(new.as_bytes()).map_err(|_| bad())?,
            name: name.to_string(),
        });
    }
    Ok(updates)
}

/// A folder removed when dropped, holding the object database that sees the
/// quarantine.
#[derive(Debug)]
pub struct TempObjects {
    root: PathBuf,
}

impl Drop for TempObjects {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.root) {
            log::debug!("{}: not removed: {err}", self.root.display());
        }
    }
}

/// The repository a pre-receive hook runs in, with the pushed objects made
/// visible. The returned guard must outlive the repository's use.
pub fn open_pushed_repository() -> Result<(Repository, Option<TempObjects>), GitError> {
    let cwd = std::env::current_dir()
        .map_err(|err| GitError::Invalid(format!("cannot read the current folder: {err}")))?;
    let mut repo = gix::ThreadSafeRepository::discover_with_environment_overrides(&cwd)
        .map_err(|err| GitError::git(format!("opening the repository at {}", cwd.display()), err))?
        .to_thread_local();

    let Some(quarantine) = std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from) else {
        log::debug!(
            "GIT_OBJECT_DIRECTORY is not set: no quarantine, the repository's objects only"
        );
        return Ok((repo, None));
    };
    let mut databases = vec![absolute(&cwd, &quarantine)];
    if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        databases.extend(
            split_alternates(&alternates.to_string_lossy())
                .into_iter()
                .map(|dir| absolute(&cwd, Path::new(&dir))),
        );
    }
    databases.push(absolute(&cwd, repo.objects.store_ref().path()));

    let temp = make_temp_dir()?;
    let objects = temp.root.join("objects");
    let info = objects.join("info");
    let write_error =
        |err: std::io::Error| GitError::Invalid(format!("{}: cannot write: {err}", info.display()));
    std::fs::create_dir_all(&info).map_err(write_error)?;
    let mut listing = String::new();
    for dir in &databases {
        listing.push_str(&quote_alternate(dir));
        listing.push('\n');
    }
    std::fs::write(info.join("alternates"), listing).map_err(write_error)?;

    let hash = repo.object_hash();
    let handle = gix::odb::at(&objects, hash).map_err(|err| {
        GitError::git(
            format!("opening the pushed objects via {}", objects.display()),
            err,
        )
    })?;
    repo.objects = gix::odb::memory::Proxy::new(handle, hash);
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    Ok((repo, Some(temp)))
}

/// `GIT_ALTERNATE_OBJECT_DIRECTORIES`: folders separated by `:`, each
/// possibly in double quotes with C escapes (git quotes one that holds `:`).
fn split_alternates(value: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    let mut chars = value.chars().peekable();
    while chars.peek().is_some() {
        let mut dir = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('t') => dir.push('\t'),
                        Some('n') => dir.push('\n'),
                        Some(other) => dir.push(other),
                        None => {}
                    },
                    c => dir.push(c),
                }
            }
            // Up to the separator.
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
            }
        } else {
            for c in chars.by_ref() {
                if c == ':' {
                    break;
                }
                dir.push(c);
            }
        }
        if !dir.is_empty() {
            dirs.push(dir);
        }
    }
    dirs
}

/// A folder as one line of an alternates file, quoted when it must be.
fn quote_alternate(dir: &Path) -> String {
    let text = dir.to_string_lossy();
    if text.starts_with('"') || text.contains(['\n', '\t', '\\']) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\t', "\\t");
        format!("\"{escaped}\"")
    } else {
        text.into_owned()
    }
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    joined.canonicalize().unwrap_or(joined)
}

/// A new private folder under the system's temporary folder. It is created
/// fresh (never reused), readable only by this user, so nobody can slip
/// another alternates file in.
fn make_temp_dir() -> Result<TempObjects, GitError> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::temp_dir();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut last_error = None;
    for attempt in 0..16u32 {
        let root = base.join(format!(
            "nbgate-pre-receive-{}-{:x}-{attempt}",
            std::process::id(),
            seed
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&root) {
            Ok(()) => return Ok(TempObjects { root }),
            Err(err) => last_error = Some(err),
        }
    }
    Err(GitError::Invalid(format!(
        "cannot make a temporary folder in {}: {}",
        base.display(),
        last_error.map_or_else(String::new, |e| e.to_string())
    )))
}

/// The tips to walk and the commits to hide for a set of ref updates:
/// deletions are skipped; every existing ref is hidden, so a branch
/// creation, force push or tag walks only commits the repository lacks.
pub fn walk_plan(
    repo: &Repository,
    updates: &[RefUpdate],
) -> Result<(Vec<Tip>, Vec<ObjectId>), GitError> {
    let hidden = super::range::ref_commits(repo, None)?;
    let mut tips = Vec::new();
    for update in updates {
        if update.is_deletion() {
            log::debug!("{}: deleted, nothing to scan", update.name);
            continue;
        }
        match super::range::peel_to_commit(repo, update.new)? {
            Some(commit) => tips.push(Tip {
                label: update.name.clone(),
                id: commit,
            }),
            None => log::debug!("{}: names no commit, nothing to walk", update.name),
        }
    }
    Ok((tips, hidden))
}

/// Where the server's configuration came from.
#[derive(Debug, Clone)]
pub enum ServerConfigSource {
    Flag(PathBuf),
    GitConfig(PathBuf),
    System(PathBuf),
    Defaults,
}

/// The system-wide server configuration file.
pub const SYSTEM_CONFIG: &str = "/etc/nbgate/config.toml";

/// The server's configuration: `--config`, else the repository's git config
/// `nbgate.config` (relative to the repository), else
/// `/etc/nbgate/config.toml`, else defaults. Nothing a pusher controls is
/// read here.
pub fn server_config(
    repo: &Repository,
    flag: Option<&Path>,
) -> Result<(Config, ServerConfigSource), ConfigError> {
    if let Some(path) = flag {
        return Ok((
            Config::load(path)?,
            ServerConfigSource::Flag(path.to_path_buf()),
        ));
    }
    let configured = repo
        .config_snapshot()
        .string("nbgate.config")
        .map(|value| PathBuf::from(value.to_string()));
    if let Some(path) = configured {
        let path = if path.is_absolute() {
            path
        } else {
            repo.git_dir().join(path)
        };
        return Ok((Config::load(&path)?, ServerConfigSource::GitConfig(path)));
    }
    let system = Path::new(SYSTEM_CONFIG);
    if system.is_file() {
        return Ok((
            Config::load(system)?,
            ServerConfigSource::System(system.to_path_buf()),
        ));
    }
    Ok((Config::default(), ServerConfigSource::Defaults))
}

/// Adds what a repository's own `.nbgate.toml` may add to the server's
/// policy when `[server] trust_repo_config = true`: custom rules, severities
/// raised to `block`, `block_preexisting` and `fail_on_warn` turned on.
/// Everything that could weaken the server's policy (allowlists, disabled
/// rules, lowered severities, `[scan]` and `[server]`) is ignored; the keys
/// ignored are returned so the hook can say so.
pub fn tighten_with_repo_config(server: &mut Config, repo: &Config) -> Vec<String> {
    let mut ignored = Vec::new();
    // A rule with a known id would replace that rule, which could weaken it.
    let builtin: Vec<String> = crate::detect::RuleSet::builtin()
        .map(|set| set.rules.into_iter().map(|rule| rule.id).collect())
        .unwrap_or_default();
    for def in &repo.rule {
        if builtin.contains(&def.id) || server.rule.iter().any(|rule| rule.id == def.id) {
            ignored.push(format!("[[rule]] {} (a rule with that id exists)", def.id));
        } else {
            server.rule.push(def.clone());
        }
    }
    for (rule, severity) in &repo.rules.severity {
        if *severity == Severity::Block {
            server.rules.severity.insert(rule.clone(), Severity::Block);
        } else {
            ignored.push(format!("rules.severity.\"{rule}\" (only `block` is taken)"));
        }
    }
    for (rule, parts) in &repo.rules.part_severity {
        for (part, severity) in parts {
            if *severity == Severity::Block {
                server
                    .rules
                    .part_severity
                    .entry(rule.clone())
                    .or_default()
                    .insert(part.clone(), Severity::Block);
            } else {
                ignored.push(format!(
                    "rules.part_severity.\"{rule}\".{part} (only `block` is taken)"
                ));
            }
        }
    }
    server.policy.block_preexisting |= repo.policy.block_preexisting;
    server.policy.fail_on_warn |= repo.policy.fail_on_warn;

    let allow = &repo.allow;
    let weakening = [
        ("allow.paths", !allow.paths.is_empty()),
        ("allow.rules", !allow.rules.is_empty()),
        ("allow.values", !allow.values.is_empty()),
        ("allow.value_regexes", !allow.value_regexes.is_empty()),
        ("allow.fingerprints", !allow.fingerprints.is_empty()),
        ("allow.email_domains", !allow.email_domains.is_empty()),
        ("rules.disable", !repo.rules.disable.is_empty()),
        (
            "scan.ocr",
            repo.scan.ocr.is_some() || repo.scan.ocr_models.is_some(),
        ),
        ("[server]", {
            let ours = &repo.server;
            ours.allow_bypass
                || ours.trust_repo_config
                || ours.on_timeout != crate::config::OnTimeout::Reject
                || ours.audit_log.is_some()
        }),
    ];
    for (key, present) in weakening {
        if present {
            ignored.push(key.to_string());
        }
    }
    ignored
}

/// Push options (`git push -o KEY=VALUE`); git passes them only when the
/// server sets `receive.advertisePushOptions`.
pub fn push_options() -> Vec<String> {
    let count = std::env::var("GIT_PUSH_OPTION_COUNT")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0);
    (0..count)
        .filter_map(|i| std::env::var(format!("GIT_PUSH_OPTION_{i}")).ok())
        .collect()
}

/// The reason given with `-o nbgate.bypass=REASON`, if any; an empty reason
/// is no reason.
pub fn bypass_reason(options: &[String]) -> Option<String> {
    options.iter().rev().find_map(|option| {
        let reason = option.strip_prefix("nbgate.bypass")?;
        let reason = reason.strip_prefix('=').unwrap_or(reason);
        let reason = reason.trim().trim_matches('"').trim();
        (!reason.is_empty()).then(|| reason.to_string())
    })
}

/// Who pushed, as the hosting software tells hooks.
pub fn pusher() -> String {
    ["GL_USERNAME", "GITEA_PUSHER_NAME", "REMOTE_USER", "USER"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// One finding as the audit log keeps it: never the value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditFinding {
    pub rule: String,
    pub fingerprint: String,
    pub path: String,
    pub introduced_by: Option<String>,
}

/// One bypassed push.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRecord {
    pub time: String,
    pub repository: String,
    pub refs: Vec<String>,
    pub commits: Vec<String>,
    pub pusher: String,
    pub reason: String,
    pub findings: Vec<AuditFinding>,
}

/// Appends a record as one JSON line, in a single write so that concurrent
/// pushes do not interleave lines.
pub fn append_audit(path: &Path, record: &AuditRecord) -> std::io::Result<()> {
    use std::io::Write;
    let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
    line.push('\n');
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

/// The time now as RFC 3339 in UTC (`2026-12-03T18:40:00Z`).
pub fn utc_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(seconds)
}

fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Days to a civil date (proleptic Gregorian), after Howard Hinnant's
    // published algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_updates_parse_and_reject_garbage() {
        let zero = "0".repeat(40);
        let one = "1".repeat(40);
        let input = format!("{zero} {one} refs/heads/main\n\n{one} {zero} refs/tags/v1\n");
        let updates = read_ref_updates(input.as_bytes()).unwrap();
        assert_eq!(updates.len(), 2);
        assert!(!updates[0].is_deletion());
        assert!(updates[1].is_deletion());
        assert!(read_ref_updates("x y\n".as_bytes()).is_err());
    }

    #[test]
    fn alternates_split_on_colons_and_honour_quotes() {
        assert_eq!(split_alternates("/a:/b"), ["/a", "/b"]);
        assert_eq!(split_alternates("\"/a:b\":/c"), ["/a:b", "/c"]);
        assert_eq!(split_alternates(""), Vec::<String>::new());
    }

    #[test]
    fn bypass_needs_a_reason() {
        let options = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            bypass_reason(&options(&["nbgate.bypass=rotated already"])).as_deref(),
            Some("rotated already")
        );
        assert_eq!(bypass_reason(&options(&["nbgate.bypass="])), None);
        assert_eq!(bypass_reason(&options(&["other=1"])), None);
    }

    #[test]
    fn times_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn repo_config_only_tightens() {
        let mut server = Config::default();
        let repo = Config::parse(
            "[allow]\nrules = ['secret.*']\n[rules]\ndisable = ['secret.*']\n\
             [rules.severity]\n'pii.email' = 'block'\n'secret.aws-access-key-id' = 'warn'\n\
             [policy]\nblock_preexisting = true\n[server]\nallow_bypass = true\n",
            Path::new("repo.toml"),
        )
        .unwrap();
        let ignored = tighten_with_repo_config(&mut server, &repo);
        assert!(server.allow.rules.is_empty());
        assert!(server.rules.disable.is_empty());
        assert_eq!(
            server.rules.severity.get("pii.email"),
            Some(&Severity::Block)
        );
        assert!(!server
            .rules
            .severity
            .contains_key("secret.aws-access-key-id"));
        assert!(server.policy.block_preexisting);
        assert!(ignored.iter().any(|k| k == "allow.rules"), "{ignored:?}");
        assert!(ignored.iter().any(|k| k == "rules.disable"), "{ignored:?}");
        assert!(ignored.iter().any(|k| k == "[server]"), "{ignored:?}");
        assert!(!server.server.allow_bypass);
    }
}
