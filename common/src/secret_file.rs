//! Secrets generated for local runs and kept in a file beside the data.

use std::{fs, io, path::Path};

/// Reads the secret kept in `path` (at least `min_len` bytes), or creates
/// one. The file is readable by its owner only (0600); an existing file
/// that is open to others is tightened first.
pub fn read_or_create(path: &Path, min_len: usize) -> io::Result<String> {
    if path.exists() {
        owner_only(path)?;
        let existing = fs::read_to_string(path)?;
        if existing.trim().len() >= min_len {
            return Ok(existing.trim().to_string());
        }
    }
    // 128 random bits per UUID, written as 32 hex digits.
    let mut secret = String::new();
    while secret.len() < min_len.max(64) {
        secret.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    io::Write::write_all(&mut options.open(path)?, secret.as_bytes())?;
    owner_only(path)?;
    Ok(secret)
}

/// Makes `path` readable and writable by its owner only.
pub fn owner_only(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}
