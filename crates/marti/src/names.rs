//! Validation of the names and small values clients send: file names, hashes, MIME types,
//! tools, lists.
//!
//! File name policy: a name is reduced to its last path component (`../x`, `a/b`, `C:\x` become
//! `x`, `b`, `x`), because ATAK and WinTAK sometimes send a local path and refusing those
//! would break real clients; files are stored by hash, so the name is only metadata and can
//! never reach the file system. What remains must be non-empty, not `.` or `..`, free of
//! control characters and at most 255 bytes, else the upload is refused with 400.

use crate::ApiError;

/// Longest accepted file name, in bytes (the common file-system limit).
const MAX_FILENAME: usize = 255;
/// Longest accepted name, keyword, MIME type or creator uid, in bytes.
const MAX_TEXT: usize = 1024;

/// The stored form of a client-supplied file name, see the module documentation.
pub(crate) fn sanitize_filename(raw: &str) -> Result<String, ApiError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    // `C:name` is drive-relative on Windows.
    let last = match last.as_bytes() {
        [d, b':', ..] if d.is_ascii_alphabetic() => &last[2..],
        _ => last,
    };
    let name = last.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(ApiError::bad_request(
            "bad_filename",
            format!("file name {raw:?} has no usable last component"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_filename",
            "file name contains control characters",
        ));
    }
    if name.len() > MAX_FILENAME {
        return Err(ApiError::bad_request(
            "bad_filename",
            format!("file name is longer than {MAX_FILENAME} bytes"),
        ));
    }
    Ok(name.to_owned())
}

/// A SHA-256 in lower-case hex, from a client (any case accepted).
pub(crate) fn parse_hash(raw: &str) -> Result<String, ApiError> {
    let h = raw.trim();
    if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(h.to_ascii_lowercase())
    } else {
        Err(ApiError::bad_request(
            "bad_hash",
            "hash must be 64 hexadecimal digits (sha-256)",
        ))
    }
}

/// `public` or `private`, case-insensitive.
pub(crate) fn parse_tool(raw: &str) -> Result<String, ApiError> {
    let t = raw.trim().to_ascii_lowercase();
    match t.as_str() {
        "public" | "private" => Ok(t),
        _ => Err(ApiError::bad_request(
            "bad_tool",
            "tool must be \"public\" or \"private\"",
        )),
    }
}

/// A MIME type: it is echoed in a `Content-Type` header later, so it must be a plain token.
pub(crate) fn parse_mime(raw: &str) -> Result<String, ApiError> {
    let m = raw.trim();
    let ok = !m.is_empty()
        && m.len() <= 255
        && m.contains('/')
        && m.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if ok {
        Ok(m.to_owned())
    } else {
        Err(ApiError::bad_request(
            "bad_mimetype",
            "mimetype is not a valid media type",
        ))
    }
}

/// A short free text (name, keyword, creator uid): no control characters, bounded.
pub(crate) fn parse_text(field: &str, raw: &str) -> Result<String, ApiError> {
    let t = raw.trim();
    if t.len() > MAX_TEXT || t.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_parameter",
            format!("{field} is too long or contains control characters"),
        ));
    }
    Ok(t.to_owned())
}

/// A comma-separated list of texts, empty items dropped.
pub(crate) fn parse_list(field: &str, raw: &str) -> Result<Vec<String>, ApiError> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_text(field, s))
        .collect()
}

/// `attachment; filename="…"; filename*=UTF-8''…` for a sanitised file name: the quoted form
/// is ASCII with `"` and `\` escaped, the starred form carries the exact UTF-8 name.
pub(crate) fn content_disposition(filename: &str) -> String {
    let mut ascii = String::with_capacity(filename.len());
    for c in filename.chars() {
        match c {
            '"' | '\\' => {
                ascii.push('\\');
                ascii.push(c);
            }
            c if c.is_ascii() && !c.is_ascii_control() => ascii.push(c),
            _ => ascii.push('_'),
        }
    }
    let mut encoded = String::with_capacity(filename.len() * 3);
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn filenames_reduce_to_last_component() {
        assert_eq!(sanitize_filename("../x.zip").unwrap(), "x.zip");
        assert_eq!(sanitize_filename("a/b.zip").unwrap(), "b.zip");
        assert_eq!(sanitize_filename("C:\\Users\\me\\x.zip").unwrap(), "x.zip");
        assert_eq!(sanitize_filename("C:x.zip").unwrap(), "x.zip");
        assert_eq!(sanitize_filename("/etc/passwd").unwrap(), "passwd");
        assert_eq!(
            sanitize_filename("Ünïcode pkg.zip").unwrap(),
            "Ünïcode pkg.zip"
        );
    }

    #[test]
    fn filenames_refused() {
        for bad in ["", "..", "a/..", "dir/", ".", "a\u{0}b", "x\r\ny", "C:"] {
            let e = sanitize_filename(bad).unwrap_err();
            assert_eq!(e.code, "bad_filename", "{bad:?}");
        }
        assert!(sanitize_filename(&"a".repeat(256)).is_err());
        assert!(sanitize_filename(&"a".repeat(255)).is_ok());
    }

    #[test]
    fn hashes_tools_mimes() {
        let h = "AB".repeat(32);
        assert_eq!(parse_hash(&h).unwrap(), "ab".repeat(32));
        assert!(parse_hash("abc").is_err());
        assert!(parse_hash(&"g".repeat(64)).is_err());
        assert_eq!(parse_tool("Private").unwrap(), "private");
        assert!(parse_tool("secret").is_err());
        assert!(parse_mime("application/zip").is_ok());
        assert!(parse_mime("text/plain\r\nX-Evil: 1").is_err());
        assert!(parse_mime("nonsense").is_err());
        assert_eq!(parse_list("k", " a, ,b ").unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn disposition_escapes() {
        assert_eq!(
            content_disposition("a\"b.zip"),
            "attachment; filename=\"a\\\"b.zip\"; filename*=UTF-8''a%22b.zip"
        );
        assert_eq!(
            content_disposition("é.zip"),
            "attachment; filename=\"_.zip\"; filename*=UTF-8''%C3%A9.zip"
        );
    }
}
