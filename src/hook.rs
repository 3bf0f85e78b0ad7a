//! The git commands: `pre-commit`, `pre-push`, `pre-receive` and
//! `scan --range`. Each one asks a git source for blobs, scans them, and
//! reports through the same writers and exit codes as `scan`.
//!
//! Pre-receive is the one that runs on a server, for other people's pushes:
//! its configuration comes only from the server, it keeps to a time and byte
//! budget, and it lets a blocked push through only when the server allows a
//! bypass and the pusher gives a reason, which is then recorded.

use anyhow::{Context, Result};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::cli::{self, CommonArgs};
use crate::config::{Config, OnTimeout};
use crate::policy::Verdict;
use crate::report::Report;
use crate::scan::{Blob, Scanner};
use crate::source::pushed::{self, AuditFinding, AuditRecord, RefUpdate, ServerConfigSource};
use crate::source::range::{self, Tip};
use crate::source::staged;

/// Opens the repository git names for this process (`GIT_DIR`,
/// `GIT_INDEX_FILE`, linked worktrees), else the one around the current folder.
fn open_repository() -> Result<gix::Repository> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let repo =
        gix::ThreadSafeRepository::discover_with_environment_overrides(&cwd).map_err(|err| {
            range::GitError::git(format!("no git repository at {}", cwd.display()), err)
        })?;
    Ok(repo.to_thread_local())
}

/// The folder whose `.nbgate.toml` applies: the worktree's top, or the git
/// folder of a bare repository.
fn config_root(repo: &gix::Repository) -> PathBuf {
    repo.workdir()
        .unwrap_or_else(|| repo.git_dir())
        .to_path_buf()
}

/// `nbgate pre-commit`: the notebooks the index adds or changes.
pub fn pre_commit(common: &CommonArgs) -> Result<i32> {
    let repo = open_repository()?;
    let config = cli::load_config(common, &config_root(&repo))?;
    let scanner = Scanner::new(&config)?;

    let mut blobs = Vec::new();
    for notebook in staged::staged_notebooks(&repo)? {
        if scanner.policy().skips_path(&notebook.path) {
            log::debug!("{}: allowed by allow.paths, not scanned", notebook.path);
            continue;
        }
        blobs.push(staged::staged_to_blob(&repo, &notebook)?);
    }
    finish(&blobs, &scanner, &config, common)
}

/// `nbgate scan --range A..B`: the notebook versions the commits brought in.
pub fn scan_range(spec: &str, common: &CommonArgs) -> Result<i32> {
    let repo = open_repository()?;
    let config = cli::load_config(common, &config_root(&repo))?;
    let (tips, hidden) = range::resolve_range(&repo, spec)?;
    scan_commits(&repo, &tips, &hidden, &config, common)
}

/// `nbgate pre-push`: the pre-commit framework's `PRE_COMMIT_FROM_REF` and
/// `PRE_COMMIT_TO_REF`, else the lines plain git writes to a pre-push hook
/// (`<local ref> <local id> <remote ref> <remote id>`), else the commits
/// HEAD has that no remote-tracking ref has.
pub fn pre_push(common: &CommonArgs) -> Result<i32> {
    let repo = open_repository()?;
    let config = cli::load_config(common, &config_root(&repo))?;

    if let Ok(to) = std::env::var("PRE_COMMIT_TO_REF") {
        let from = std::env::var("PRE_COMMIT_FROM_REF").unwrap_or_default();
        let (tips, hidden) = range::resolve_range(&repo, &format!("{from}..{to}"))?;
        return scan_commits(&repo, &tips, &hidden, &config, common);
    }

    let mut input = String::new();
    if !std::io::stdin().is_terminal() {
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
            .context("reading the refs being pushed from standard input")?;
    }
    if input.trim().is_empty() {
        // No refs named (the pre-commit framework pushing a branch whose
        // history starts at a root commit, or a person at a terminal):
        // what HEAD has that no remote-tracking ref has.
        if repo.head_id().is_err() {
            return finish(&[], &Scanner::new(&config)?, &config, common);
        }
        let (tips, hidden) = range::resolve_range(&repo, "HEAD")?;
        return scan_commits(&repo, &tips, &hidden, &config, common);
    }
    let mut tips = Vec::new();
    let mut hidden = range::ref_commits(&repo, Some("refs/remotes/"))?;
    for line in input.lines().filter(|line| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_local_ref, local, remote_ref, remote] = fields[..] else {
            anyhow::bail!("pre-push: expected `<local ref> <local id> <remote ref> <remote id>`, got `{line}`");
        };
        let local = gix::ObjectId::from_hex(local.as_bytes())
            .with_context(|| format!("pre-push: `{local}` is not an object id"))?;
        if local.is_null() {
            continue;
        }
        if let Ok(remote) = gix::ObjectId::from_hex(remote.as_bytes()) {
            // The remote's tip is hidden when this clone has it.
            if !remote.is_null() && repo.has_object(remote) {
                hidden.extend(range::peel_to_commit(&repo, remote)?);
            }
        }
        if let Some(commit) = range::peel_to_commit(&repo, local)? {
            tips.push(Tip {
                label: remote_ref.to_string(),
                id: commit,
            });
        }
    }
    scan_commits(&repo, &tips, &hidden, &config, common)
}

fn scan_commits(
    repo: &gix::Repository,
    tips: &[Tip],
    hidden: &[gix::ObjectId],
    config: &Config,
    common: &CommonArgs,
) -> Result<i32> {
    let scanner = Scanner::new(config)?;
    let mut blobs = Vec::new();
    for change in range::new_notebook_versions(repo, tips, hidden, None)? {
        if scanner.policy().skips_path(&change.path) {
            log::debug!("{}: allowed by allow.paths, not scanned", change.path);
            continue;
        }
        blobs.push(range::change_to_blob(repo, &change)?);
    }
    finish(&blobs, &scanner, config, common)
}

/// Scans blobs in parallel, writes the report, returns the exit code.
fn finish(blobs: &[Blob], scanner: &Scanner, config: &Config, common: &CommonArgs) -> Result<i32> {
    let results = blobs.par_iter().map(|blob| scanner.scan(blob)).collect();
    let report = Report { results };
    cli::emit(&report, scanner, common)?;
    Ok(cli::exit_code(&report, config))
}

/// What ran out during a pre-receive scan.
enum OverBudget {
    Bytes { read: u64, limit: u64 },
    Time { limit: f64 },
}

impl std::fmt::Display for OverBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OverBudget::Bytes { read, limit } => write!(
                f,
                "the push holds more than {limit} bytes of notebooks ([server] max_bytes), \
                 {read} read before stopping"
            ),
            OverBudget::Time { limit } => write!(
                f,
                "scanning the push took longer than {limit} s ([server] max_seconds)"
            ),
        }
    }
}

/// `nbgate pre-receive`: scans the pushed commits; exit 1 rejects the push.
pub fn pre_receive(common: &CommonArgs) -> Result<i32> {
    let started = Instant::now();
    let updates = pushed::read_ref_updates(std::io::stdin().lock())?;
    let (repo, _temp_objects) = pushed::open_pushed_repository()?;

    // 1. Policy from the server only.
    let (config, source) = pushed::server_config(&repo, common.config.as_deref())?;
    let mut config = cli::apply_overrides(config, common);
    match &source {
        ServerConfigSource::Flag(path)
        | ServerConfigSource::GitConfig(path)
        | ServerConfigSource::System(path) => {
            log::debug!("server configuration: {}", path.display())
        }
        ServerConfigSource::Defaults => log::debug!("no server configuration: defaults"),
    }

    // 2. The commits the repository lacks, and what they brought in.
    let (tips, hidden) = pushed::walk_plan(&repo, &updates)?;
    if tips.is_empty() {
        return Ok(0);
    }
    if config.server.trust_repo_config {
        add_repo_configs(&repo, &tips, &mut config)?;
    }
    let server = config.server.clone();
    let scanner = Scanner::new(&config)?;
    // A budget too large for an Instant never runs out.
    let deadline = Duration::try_from_secs_f64(server.max_seconds.max(0.0))
        .ok()
        .and_then(|budget| started.checked_add(budget));
    let mut over_budget = None;
    let changes = match range::new_notebook_versions(&repo, &tips, &hidden, deadline) {
        Ok(changes) => changes,
        Err(range::GitError::OutOfTime) => {
            over_budget = Some(OverBudget::Time {
                limit: server.max_seconds,
            });
            Vec::new()
        }
        Err(err) => return Err(err.into()),
    };

    // 3. Read within the byte budget; blobs are read one by one since the
    //    repository handle is not shared between threads.
    let mut bytes_read = 0u64;
    let mut blobs: Vec<Blob> = Vec::new();
    for change in &changes {
        if scanner.policy().skips_path(&change.path) {
            log::debug!("{}: allowed by allow.paths, not scanned", change.path);
            continue;
        }
        if deadline.is_some_and(|deadline| Instant::now() > deadline) {
            over_budget = Some(OverBudget::Time {
                limit: server.max_seconds,
            });
            break;
        }
        let blob = range::change_to_blob(&repo, change)?;
        bytes_read += (blob.bytes.len() + blob.previous.as_ref().map_or(0, Vec::len)) as u64;
        if bytes_read > server.max_bytes {
            over_budget = Some(OverBudget::Bytes {
                read: bytes_read,
                limit: server.max_bytes,
            });
            break;
        }
        blobs.push(blob);
    }

    // 4. Scan within the time budget.
    let out_of_time = AtomicBool::new(false);
    let results: Vec<_> = blobs
        .par_iter()
        .filter_map(|blob| {
            if deadline.is_some_and(|deadline| Instant::now() > deadline) {
                out_of_time.store(true, Ordering::Relaxed);
                return None;
            }
            Some(scanner.scan(blob))
        })
        .collect();
    if over_budget.is_none() && out_of_time.load(Ordering::Relaxed) {
        over_budget = Some(OverBudget::Time {
            limit: server.max_seconds,
        });
    }
    let report = Report { results };
    cli::emit(&report, &scanner, common)?;
    let mut code = cli::exit_code(&report, &config);

    if let Some(over) = &over_budget {
        match server.on_timeout {
            OnTimeout::Reject => {
                println!(
                    "nbgate: push rejected: {over}; ask the server's administrators to raise \
                     it, or push in smaller parts"
                );
                code = 1;
            }
            OnTimeout::Allow => println!(
                "nbgate: {over}; the rest was not scanned and is let through \
                 ([server] on_timeout = \"allow\")"
            ),
        }
    }
    if code == 0 {
        return Ok(0);
    }

    // 5. Break-glass.
    let options = pushed::push_options();
    let Some(reason) = pushed::bypass_reason(&options) else {
        if server.allow_bypass {
            println!(
                "nbgate: to push anyway, give a reason: git push -o nbgate.bypass=\"why\" \
                 (it is recorded)"
            );
        }
        return Ok(code);
    };
    if !server.allow_bypass {
        println!("nbgate: nbgate.bypass is not allowed on this server ([server] allow_bypass)");
        return Ok(code);
    }
    let audit_log = server
        .audit_log
        .clone()
        .unwrap_or_else(|| repo.git_dir().join("nbgate-audit.jsonl"));
    let record = audit_record(&repo, &updates, &report, reason);
    pushed::append_audit(&audit_log, &record).with_context(|| {
        format!(
            "the bypass could not be recorded in {}, so the push is rejected",
            audit_log.display()
        )
    })?;
    println!(
        "nbgate: bypassed by {} (\"{}\"); recorded in the server's audit log",
        record.pusher,
        crate::report::escape(&record.reason)
    );
    Ok(0)
}

/// Reads `.nbgate.toml` from each pushed tip and adds to the server policy
/// what it may add; says what it ignored.
fn add_repo_configs(repo: &gix::Repository, tips: &[Tip], config: &mut Config) -> Result<()> {
    for tip in tips {
        let commit = range::find(repo, tip.id, "commit")?.into_commit();
        let tree = commit
            .tree_id()
            .map_err(|err| range::GitError::git(format!("reading commit {}", tip.id), err))?
            .detach();
        let Some(id) = range::blob_at(repo, tree, ".nbgate.toml".into())? else {
            continue;
        };
        let shown = format!("{}:.nbgate.toml", tip.label);
        let bytes = range::read_blob(repo, id, &shown)?;
        let text = String::from_utf8_lossy(&bytes);
        let repo_config = Config::parse(&text, Path::new(&shown)).with_context(|| {
            format!("{shown} is read because the server trusts repository configuration; fix it")
        })?;
        let ignored = pushed::tighten_with_repo_config(config, &repo_config);
        if !ignored.is_empty() {
            println!(
                "nbgate: note: {shown}: ignored (a repository may only add to the server's policy): {}",
                ignored.join(", ")
            );
        }
    }
    Ok(())
}

fn audit_record(
    repo: &gix::Repository,
    updates: &[RefUpdate],
    report: &Report,
    reason: String,
) -> AuditRecord {
    let mut findings = Vec::new();
    let mut commits = Vec::new();
    for result in &report.results {
        for (finding, verdict) in &result.findings {
            if !matches!(verdict, Verdict::Block | Verdict::Warn) {
                continue;
            }
            findings.push(AuditFinding {
                rule: finding.rule_id.clone(),
                fingerprint: finding.fingerprint.clone(),
                path: result.path.clone(),
                introduced_by: finding.introduced_by.clone(),
            });
            // `refs/heads/x abc1234`: the short commit is the last word.
            let commit = finding
                .introduced_by
                .as_deref()
                .and_then(|by| by.rsplit(' ').next());
            commits.extend(commit.map(str::to_string));
        }
    }
    commits.sort();
    commits.dedup();
    let repository = repo
        .git_dir()
        .canonicalize()
        .unwrap_or_else(|_| repo.git_dir().to_path_buf());
    AuditRecord {
        time: pushed::utc_now(),
        repository: repository.display().to_string(),
        refs: updates
            .iter()
            .map(|u| {
                format!(
                    "{} {}..{}",
                    u.name,
                    range::short_id(&u.old),
                    range::short_id(&u.new)
                )
            })
            .collect(),
        commits,
        pusher: pushed::pusher(),
        reason,
        findings,
    }
}
