//! Images in MIME bundles: base64 decoded and checked by magic bytes, never
//! scanned as text.

use base64::Engine;

/// The raster formats nbgate hands to OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RasterKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

/// The raster kind a MIME type names, if nbgate reads it.
pub fn raster_kind(mime: &str) -> Option<RasterKind> {
    match mime {
        "image/png" => Some(RasterKind::Png),
        "image/jpeg" | "image/jpg" => Some(RasterKind::Jpeg),
        "image/gif" => Some(RasterKind::Gif),
        "image/webp" => Some(RasterKind::Webp),
        _ => None,
    }
}

/// MIME types whose content is binary data nbgate does not read as text.
pub fn is_binary_mime(mime: &str) -> bool {
    (mime.starts_with("image/") && mime != "image/svg+xml")
        || mime == "application/pdf"
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
}

/// Decodes a base64 payload (line breaks allowed) and checks that its bytes
/// are the image format the MIME type claims.
pub fn decode_base64(payload: &str, kind: RasterKind) -> Result<Vec<u8>, String> {
    let compact: Vec<u8> = payload
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .map_err(|err| format!("base64 does not decode: {err}"))?;
    if detect(&bytes) != Some(kind) {
        return Err(format!(
            "the bytes are not a {kind:?} image (magic bytes do not match)"
        ));
    }
    Ok(bytes)
}

/// The raster kind of some bytes, by their magic number.
pub fn detect(bytes: &[u8]) -> Option<RasterKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(RasterKind::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(RasterKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(RasterKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(RasterKind::Webp)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_magic_bytes() {
        let png = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\nrest");
        assert!(decode_base64(&png, RasterKind::Png).is_ok());
        assert!(decode_base64(&png, RasterKind::Jpeg).is_err());
        assert!(decode_base64("not base64!", RasterKind::Png).is_err());
    }
}
