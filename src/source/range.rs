//! Commits as a source: the commits reachable from some tips and from no
//! hidden commit, and the notebook versions each of them brought in.
//!
//! `scan --range A..B` uses this directly; pre-receive feeds it the pushed ref
//! updates. Each commit is compared with its first parent (a root commit with
//! the empty tree), so every version a commit wrote is scanned once, with its
//! first parent's version of the same path as the previous one. In a merge, a
//! version that another parent already had is dropped: the merge only carried
//! it over. Versions are deduplicated by blob id over the whole walk, so a
//! notebook that many commits share is read once, credited to the oldest.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use gix::bstr::{BStr, BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::{ObjectId, Repository};
use thiserror::Error;

use super::Blob;

#[derive(Debug, Error)]
pub enum GitError {
    #[error("{what}: {why}")]
    Git { what: String, why: String },
    #[error(
        "object {id} ({what}) is missing from the object database; the repository or \
         the push is incomplete, so nothing can be checked"
    )]
    Missing { id: ObjectId, what: String },
    #[error("{0}")]
    Invalid(String),
    /// The deadline given to a walk passed.
    #[error("out of time while walking the commits")]
    OutOfTime,
}

impl GitError {
    /// A gix error with what was being done, on one line.
    pub fn git(what: impl Into<String>, err: impl std::fmt::Display) -> GitError {
        GitError::Git {
            what: what.into(),
            why: err.to_string().replace('\n', " "),
        }
    }
}

/// Where a walk starts: a commit and the name it is known by (a ref, or the
/// range a person typed).
#[derive(Debug, Clone)]
pub struct Tip {
    pub label: String,
    pub id: ObjectId,
}

/// One notebook version a commit brought in, before its bytes are read.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub id: ObjectId,
    /// The first parent's version of the same path, if it had one.
    pub previous: Option<ObjectId>,
    pub commit: ObjectId,
    /// The tip's label: the ref that brings the commit in.
    pub label: String,
}

impl Change {
    /// `refs/heads/x abc1234`: the ref and short commit, as findings show it.
    pub fn introduced_by(&self) -> String {
        format!("{} {}", self.label, short_id(&self.commit))
    }
}

/// The first seven hex digits of an id, as git abbreviates by default.
pub fn short_id(id: &ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

/// Whether a path names a notebook (`*.ipynb`, in any letter case, so that
/// `Secrets.IPYNB` is not a way around the gate).
pub fn is_notebook_path(path: &[u8]) -> bool {
    path.len() > 6 && path[path.len() - 6..].eq_ignore_ascii_case(b".ipynb")
}

/// The commit an object finally names: tags are followed to their target.
/// `None` when it ends at a tree or a blob, which have no history to walk.
pub fn peel_to_commit(repo: &Repository, id: ObjectId) -> Result<Option<ObjectId>, GitError> {
    let mut id = id;
    // Tags of tags exist; a chain longer than this is malformed on purpose.
    for _ in 0..64 {
        let object = find(repo, id, "ref target")?;
        match object.kind {
            gix::object::Kind::Commit => return Ok(Some(id)),
            gix::object::Kind::Tag => {
                let tag = object.into_tag();
                id = tag
                    .target_id()
                    .map_err(|err| GitError::git(format!("reading tag {id}"), err))?
                    .detach();
            }
            kind => {
                log::debug!("{id}: the ref names a {kind}, not a commit; no commits to walk");
                return Ok(None);
            }
        }
    }
    Err(GitError::Invalid(format!(
        "tag {id}: the chain of tags is too long"
    )))
}

/// An object, or a [`GitError::Missing`] that names what it was wanted for.
pub fn find<'r>(
    repo: &'r Repository,
    id: ObjectId,
    what: &str,
) -> Result<gix::Object<'r>, GitError> {
    repo.try_find_object(id)
        .map_err(|err| GitError::git(format!("reading {what} {id}"), err))?
        .ok_or_else(|| GitError::Missing {
            id,
            what: what.to_string(),
        })
}

/// The notebook versions that the commits reachable from `tips`, and from
/// none of `hidden`, brought in. Commits a tip shares with an earlier tip are
/// credited to the earlier one. Past `deadline`, [`GitError::OutOfTime`].
pub fn new_notebook_versions(
    repo: &Repository,
    tips: &[Tip],
    hidden: &[ObjectId],
    deadline: Option<Instant>,
) -> Result<Vec<Change>, GitError> {
    let check_time = || match deadline {
        Some(deadline) if Instant::now() > deadline => Err(GitError::OutOfTime),
        _ => Ok(()),
    };
    let mut hidden: Vec<ObjectId> = hidden.to_vec();
    let mut commits: Vec<(ObjectId, String)> = Vec::new();
    for tip in tips {
        let mut walked = Vec::new();
        let walk = repo
            .rev_walk([tip.id])
            .with_hidden(hidden.iter().copied())
            .all()
            .map_err(|err| GitError::git(format!("walking the commits of {}", tip.label), err))?;
        for info in walk {
            let info = info.map_err(|err| {
                GitError::git(format!("walking the commits of {}", tip.label), err)
            })?;
            walked.push(info.id);
            if walked.len() % 256 == 0 {
                check_time()?;
            }
        }
        // The walk runs from the tip backwards; crediting the oldest commit
        // means scanning in the other direction.
        walked.reverse();
        commits.extend(walked.into_iter().map(|id| (id, tip.label.clone())));
        hidden.push(tip.id);
    }

    let mut seen_blobs = HashSet::new();
    let mut changes = Vec::new();
    for (count, (commit, label)) in commits.into_iter().enumerate() {
        if count % 64 == 0 {
            check_time()?;
        }
        for change in commit_changes(repo, commit, &label)? {
            if seen_blobs.insert(change.id) {
                changes.push(change);
            } else {
                log::debug!(
                    "{}: version {} seen in an earlier commit, not scanned again",
                    change.path,
                    short_id(&change.id)
                );
            }
        }
    }
    Ok(changes)
}

/// The notebook versions one commit wrote, against its first parent.
fn commit_changes(
    repo: &Repository,
    commit: ObjectId,
    label: &str,
) -> Result<Vec<Change>, GitError> {
    let object = find(repo, commit, "commit")?.into_commit();
    let tree = object
        .tree_id()
        .map_err(|err| GitError::git(format!("reading commit {commit}"), err))?
        .detach();
    let parents: Vec<ObjectId> = object.parent_ids().map(|id| id.detach()).collect();

    let first_parent_tree = match parents.first() {
        Some(parent) => Some(commit_tree(repo, *parent)?),
        None => None,
    };
    let mut changed = Vec::new();
    diff_trees(
        repo,
        first_parent_tree,
        tree,
        &mut BString::default(),
        &mut changed,
    )?;

    if parents.len() > 1 && !changed.is_empty() {
        let others: Vec<ObjectId> = parents[1..]
            .iter()
            .map(|parent| commit_tree(repo, *parent))
            .collect::<Result<_, _>>()?;
        let mut kept = Vec::with_capacity(changed.len());
        for entry in changed {
            let mut carried = false;
            for other in &others {
                if blob_at(repo, *other, entry.path.as_ref())? == Some(entry.id) {
                    carried = true;
                    break;
                }
            }
            if carried {
                log::debug!(
                    "{}: merge {} carried it from a parent",
                    entry.path,
                    short_id(&commit)
                );
            } else {
                kept.push(entry);
            }
        }
        changed = kept;
    }

    Ok(changed
        .into_iter()
        .map(|entry| Change {
            path: entry.path.to_str_lossy().into_owned(),
            id: entry.id,
            previous: entry.previous,
            commit,
            label: label.to_string(),
        })
        .collect())
}

fn commit_tree(repo: &Repository, commit: ObjectId) -> Result<ObjectId, GitError> {
    find(repo, commit, "commit")?
        .into_commit()
        .tree_id()
        .map(gix::Id::detach)
        .map_err(|err| GitError::git(format!("reading commit {commit}"), err))
}

/// A notebook entry that differs between two trees.
#[derive(Debug)]
pub struct ChangedEntry {
    pub path: BString,
    pub id: ObjectId,
    pub previous: Option<ObjectId>,
}

/// One tree's entries, owned, so the tree's buffer can be reused while
/// recursing.
fn tree_entries(
    repo: &Repository,
    id: ObjectId,
) -> Result<Vec<(BString, EntryMode, ObjectId)>, GitError> {
    let tree = find(repo, id, "tree")?.into_tree();
    let decoded = tree
        .decode()
        .map_err(|err| GitError::git(format!("reading tree {id}"), err))?;
    Ok(decoded
        .entries
        .iter()
        .map(|entry| (entry.filename.to_owned(), entry.mode, entry.oid.to_owned()))
        .collect())
}

/// The `*.ipynb` blobs of `new` that `old` does not hold at the same path,
/// descending only into subtrees whose ids differ. Symlinks and submodules
/// are not notebooks and are skipped.
pub fn diff_trees(
    repo: &Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut BString,
    out: &mut Vec<ChangedEntry>,
) -> Result<(), GitError> {
    if old == Some(new) {
        return Ok(());
    }
    let old_entries = match old {
        Some(old) => tree_entries(repo, old)?,
        None => Vec::new(),
    };
    let old_by_name: HashMap<&BStr, (EntryMode, ObjectId)> = old_entries
        .iter()
        .map(|(name, mode, id)| (name.as_bstr(), (*mode, *id)))
        .collect();

    for (name, mode, id) in tree_entries(repo, new)? {
        let before = old_by_name.get(name.as_bstr()).copied();
        let length = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(&name);
        if mode.is_tree() {
            let old_tree = before.filter(|(mode, _)| mode.is_tree()).map(|(_, id)| id);
            diff_trees(repo, old_tree, id, prefix, out)?;
        } else if mode.is_blob() && is_notebook_path(&name) {
            let previous = before.filter(|(mode, _)| mode.is_blob()).map(|(_, id)| id);
            if previous != Some(id) {
                out.push(ChangedEntry {
                    path: prefix.clone(),
                    id,
                    previous,
                });
            }
        } else if is_notebook_path(&name) {
            log::debug!("{prefix}: a symlink or submodule, not a notebook; skipped");
        }
        prefix.truncate(length);
    }
    Ok(())
}

/// The blob at `path` in a tree, if there is one.
pub fn blob_at(
    repo: &Repository,
    tree: ObjectId,
    path: &BStr,
) -> Result<Option<ObjectId>, GitError> {
    let mut current = tree;
    let mut components = path.split_str("/").peekable();
    while let Some(component) = components.next() {
        let entries = tree_entries(repo, current)?;
        let Some((_, mode, id)) = entries
            .iter()
            .find(|(name, _, _)| name.as_slice() == component)
        else {
            return Ok(None);
        };
        if components.peek().is_none() {
            return Ok(mode.is_blob().then_some(*id));
        }
        if !mode.is_tree() {
            return Ok(None);
        }
        current = *id;
    }
    Ok(None)
}

/// The bytes of a blob.
pub fn read_blob(repo: &Repository, id: ObjectId, path: &str) -> Result<Vec<u8>, GitError> {
    let object = find(repo, id, &format!("blob of {path}"))?;
    if object.kind != gix::object::Kind::Blob {
        return Err(GitError::Invalid(format!(
            "{path}: object {id} is a {}, not a blob",
            object.kind
        )));
    }
    Ok(object.detach().data)
}

/// Reads a notebook version, and the version before it, into a blob for the
/// scanner.
pub fn blob_of(
    repo: &Repository,
    path: &str,
    id: ObjectId,
    previous: Option<ObjectId>,
    introduced_by: Option<String>,
) -> Result<Blob, GitError> {
    Ok(Blob {
        path: path.to_string(),
        bytes: read_blob(repo, id, path)?,
        previous: previous.map(|id| read_blob(repo, id, path)).transpose()?,
        introduced_by,
    })
}

/// Reads a change into a blob for the scanner.
pub fn change_to_blob(repo: &Repository, change: &Change) -> Result<Blob, GitError> {
    blob_of(
        repo,
        &change.path,
        change.id,
        change.previous,
        Some(change.introduced_by()),
    )
}

/// A commit range as people write it: `A..B` (commits in B and not in A),
/// `B` alone, or `A..` meaning `A..HEAD`. An empty or all-zero `A` (a new
/// branch, as the pre-commit framework passes it) hides every
/// remote-tracking ref instead: what the remote already has.
pub fn resolve_range(repo: &Repository, spec: &str) -> Result<(Vec<Tip>, Vec<ObjectId>), GitError> {
    let (from, to) = match spec.split_once("..") {
        Some((_, to)) if to.starts_with('.') => {
            return Err(GitError::Invalid(format!(
                "--range {spec}: symmetric ranges (A...B) are not supported; use A..B"
            )))
        }
        Some((from, to)) => (
            from.trim(),
            if to.trim().is_empty() {
                "HEAD"
            } else {
                to.trim()
            },
        ),
        None => ("", spec.trim()),
    };
    let resolve = |rev: &str| -> Result<ObjectId, GitError> {
        let id = repo
            .rev_parse_single(rev)
            .map_err(|err| GitError::git(format!("--range: cannot resolve `{rev}`"), err))?
            .detach();
        peel_to_commit(repo, id)?
            .ok_or_else(|| GitError::Invalid(format!("--range: `{rev}` does not name a commit")))
    };

    let tip = Tip {
        label: to.to_string(),
        id: resolve(to)?,
    };
    let hidden = if from.is_empty() || from.bytes().all(|b| b == b'0') {
        remote_tracking_commits(repo)?
    } else {
        vec![resolve(from)?]
    };
    Ok((vec![tip], hidden))
}

/// The commits every `refs/remotes/` ref names.
fn remote_tracking_commits(repo: &Repository) -> Result<Vec<ObjectId>, GitError> {
    ref_commits(repo, Some("refs/remotes/"))
}

/// The commits that refs name (all refs, or those under `prefix`), tags
/// followed to their target; refs naming trees or blobs are left out.
pub fn ref_commits(repo: &Repository, prefix: Option<&str>) -> Result<Vec<ObjectId>, GitError> {
    let what = "listing the repository's refs";
    let platform = repo.references().map_err(|err| GitError::git(what, err))?;
    let iter = match prefix {
        Some(prefix) => platform.prefixed(prefix),
        None => platform.all(),
    }
    .map_err(|err| GitError::git(what, err))?;
    let mut commits = Vec::new();
    for reference in iter {
        let mut reference = reference.map_err(|err| GitError::git(what, err))?;
        let Ok(id) = reference.peel_to_id() else {
            // A symbolic ref to nothing (an unborn HEAD) hides nothing.
            continue;
        };
        if let Some(commit) = peel_to_commit(repo, id.detach())? {
            commits.push(commit);
        }
    }
    commits.sort();
    commits.dedup();
    Ok(commits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notebook_paths_ignore_case() {
        assert!(is_notebook_path(b"a/b.ipynb"));
        assert!(is_notebook_path(b"Secrets.IPYNB"));
        assert!(!is_notebook_path(b".ipynb"));
        assert!(!is_notebook_path(b"a.ipynb.bak"));
    }
}
