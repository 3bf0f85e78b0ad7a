//! The OCR cache: text already read from an image, found again by the
//! image's SHA-256, so an image costs OCR time once per machine.
//!
//! Recognised text can hold the very secrets nbgate looks for, and nbgate
//! stores no secret value in the clear. Each entry is therefore encrypted
//! with a key derived from the image's bytes: whoever can decrypt an entry
//! already holds the image, and with it the text. The file name is derived
//! from the image hash as well, under a different label, so neither reveals
//! the other. The stream cipher is SHA-256 in counter mode and a SHA-256 tag
//! rejects a damaged or foreign entry (it is then read again, not trusted).
//!
//! Entries are written to a temporary file and renamed into place, so a
//! reader never sees half an entry, and the folder is pruned, oldest entries
//! first, when it grows past [`MAX_BYTES`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// The cache folder is pruned back under this size.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Pruning removes entries until the folder is under this share of the cap,
/// so it does not run again on every write.
const PRUNE_TO: f64 = 0.75;

/// Marks an entry's format; entries of another format are misses.
const MAGIC: &[u8; 8] = b"nbgocr1\n";

/// Bytes of the authentication tag stored after the magic.
const TAG_BYTES: usize = 16;

/// Leftover temporary files older than this are removed when pruning.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// The folder of cached OCR text, and what makes its entries valid.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Names the models and the reading pipeline; text read by other models
    /// or an older pipeline is never returned.
    version: String,
    pruned: AtomicBool,
    temp_counter: AtomicU64,
}

/// Where an image's entry lives and how it is sealed.
pub struct Entry {
    name: String,
    key: [u8; 32],
}

impl Cache {
    /// The cache folder nbgate uses by default: `$NBGATE_CACHE_DIR/ocr`, else
    /// `${XDG_CACHE_HOME:-$HOME/.cache}/nbgate/ocr`.
    pub fn default_dir() -> Option<PathBuf> {
        let env_dir = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
                .filter(|path| path.is_absolute())
        };
        if let Some(dir) = env_dir("NBGATE_CACHE_DIR") {
            return Some(dir.join("ocr"));
        }
        env_dir("XDG_CACHE_HOME")
            .or_else(|| env_dir("HOME").map(|home| home.join(".cache")))
            .map(|base| base.join("nbgate").join("ocr"))
    }

    pub fn new(dir: PathBuf, version: String) -> Cache {
        Cache {
            dir,
            version,
            pruned: AtomicBool::new(false),
            temp_counter: AtomicU64::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry for an image.
    pub fn entry(&self, image: &[u8]) -> Entry {
        let image_hash = Sha256::digest(image);
        let derive = |label: &str| {
            let mut hasher = Sha256::new();
            hasher.update(label.as_bytes());
            hasher.update([0]);
            hasher.update(self.version.as_bytes());
            hasher.update([0]);
            hasher.update(image_hash);
            <[u8; 32]>::from(hasher.finalize())
        };
        Entry {
            name: hex(&derive("nbgate ocr cache name")),
            key: derive("nbgate ocr cache key"),
        }
    }

    /// The text cached for an entry, if any and intact.
    pub fn get(&self, entry: &Entry) -> Option<String> {
        let path = self.dir.join(&entry.name);
        let sealed = fs::read(&path).ok()?;
        match open(&sealed, &entry.key) {
            Some(text) => {
                // Reading marks the entry as recently used, for pruning.
                if let Ok(file) = fs::OpenOptions::new().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(text)
            }
            None => {
                log::debug!(
                    "OCR cache entry {} is damaged; reading again",
                    path.display()
                );
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores text for an entry; failures are logged, never fatal.
    pub fn put(&self, entry: &Entry, text: &str) {
        if let Err(err) = self.write(entry, text) {
            log::debug!(
                "cannot write the OCR cache in {}: {err}",
                self.dir.display()
            );
        }
        if !self.pruned.swap(true, Ordering::Relaxed) {
            if let Err(err) = self.prune() {
                log::debug!(
                    "cannot prune the OCR cache in {}: {err}",
                    self.dir.display()
                );
            }
        }
    }

    fn write(&self, entry: &Entry, text: &str) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            entry.name,
            std::process::id(),
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = private_file(&temp)?;
            file.write_all(&seal(text, &entry.key))?;
            file.sync_all()?;
            fs::rename(&temp, self.dir.join(&entry.name))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// Removes the least recently used entries while the folder is over the cap.
    fn prune(&self) -> std::io::Result<()> {
        let now = SystemTime::now();
        let mut entries = Vec::new();
        let mut total = 0u64;
        for item in fs::read_dir(&self.dir)? {
            let item = item?;
            let meta = item.metadata()?;
            if !meta.is_file() {
                continue;
            }
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let is_temp = item.file_name().to_string_lossy().ends_with(".tmp");
            if is_temp {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = fs::remove_file(item.path());
                }
                continue;
            }
            total += meta.len();
            entries.push((modified, meta.len(), item.path()));
        }
        if total <= MAX_BYTES {
            return Ok(());
        }
        entries.sort();
        let goal = (MAX_BYTES as f64 * PRUNE_TO) as u64;
        for (_, size, path) in entries {
            if total <= goal {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= size;
            }
        }
        Ok(())
    }
}

/// A new file only its owner can read.
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Encrypts and tags text: magic, tag, ciphertext.
fn seal(text: &str, key: &[u8; 32]) -> Vec<u8> {
    let mut sealed = Vec::with_capacity(MAGIC.len() + TAG_BYTES + text.len());
    sealed.extend_from_slice(MAGIC);
    sealed.extend_from_slice(&tag(text.as_bytes(), key));
    let mut body = text.as_bytes().to_vec();
    apply_keystream(&mut body, key);
    sealed.extend_from_slice(&body);
    sealed
}

/// Decrypts a sealed entry; `None` when it is not intact.
fn open(sealed: &[u8], key: &[u8; 32]) -> Option<String> {
    let rest = sealed.strip_prefix(MAGIC.as_slice())?;
    if rest.len() < TAG_BYTES {
        return None;
    }
    let (stored_tag, body) = rest.split_at(TAG_BYTES);
    let mut plain = body.to_vec();
    apply_keystream(&mut plain, key);
    if tag(&plain, key) != stored_tag {
        return None;
    }
    String::from_utf8(plain).ok()
}

fn tag(plain: &[u8], key: &[u8; 32]) -> [u8; TAG_BYTES] {
    let mut hasher = Sha256::new();
    hasher.update(b"tag");
    hasher.update(key);
    hasher.update(plain);
    let digest = hasher.finalize();
    let mut out = [0u8; TAG_BYTES];
    out.copy_from_slice(&digest[..TAG_BYTES]);
    out
}

/// XORs the data with SHA-256(key, "stream", block counter), block by block.
fn apply_keystream(data: &mut [u8], key: &[u8; 32]) {
    for (counter, chunk) in data.chunks_mut(32).enumerate() {
        let mut hasher = Sha256::new();
        hasher.update(b"stream");
        hasher.update(key);
        hasher.update((counter as u64).to_le_bytes());
        let block = hasher.finalize();
        for (byte, pad) in chunk.iter_mut().zip(block.iter()) {
            *byte ^= pad;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_hold_no_plain_text() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf(), "test".into());
        let entry = cache.entry(b"image bytes");
        assert_eq!(cache.get(&entry), None);

        let text = "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2";
        cache.put(&entry, text);
        assert_eq!(cache.get(&entry).as_deref(), Some(text));

        let stored = fs::read(dir.path().join(&entry.name)).expect("entry written");
        assert!(!String::from_utf8_lossy(&stored).contains("AKIA"));
        let other = cache.entry(b"other image");
        assert_eq!(cache.get(&other), None);
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_is_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::new(dir.path().to_path_buf(), "test".into());
        let entry = cache.entry(b"image");
        cache.put(&entry, "some text");
        let path = dir.path().join(&entry.name);
        let mut bytes = fs::read(&path).expect("entry written");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, bytes).expect("rewrite");
        assert_eq!(cache.get(&entry), None);
        assert!(!path.exists());
    }

    #[test]
    fn another_version_does_not_see_the_entry() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = Cache::new(dir.path().to_path_buf(), "old models".into());
        old.put(&old.entry(b"image"), "text");
        let new = Cache::new(dir.path().to_path_buf(), "new models".into());
        assert_eq!(new.get(&new.entry(b"image")), None);
    }

    #[test]
    fn pruning_keeps_the_folder_under_the_cap() {
        let dir = tempfile::tempdir().expect("temp dir");
        let filler = vec![0u8; 1024 * 1024];
        for i in 0..40 {
            fs::write(dir.path().join(format!("old{i:02}")), &filler).expect("filler");
        }
        let cache = Cache::new(dir.path().to_path_buf(), "test".into());
        let entry = cache.entry(b"new image");
        cache.put(&entry, "fresh");
        let total: u64 = fs::read_dir(dir.path())
            .expect("list")
            .map(|item| item.expect("item").metadata().expect("meta").len())
            .sum();
        assert!(total <= MAX_BYTES, "{total}");
        assert_eq!(cache.get(&entry).as_deref(), Some("fresh"));
    }
}
