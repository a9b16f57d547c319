//! What an uploaded file is, decided from its content (magic bytes through the `infer` crate plus a
//! few container checks of our own); the client's file name and declared MIME type are only hints.
//!
//! Supported content:
//! * **text** (any encoding [`super::text::decode_text`] reads): `text/plain`;
//! * **audio**: WAV (`audio/wav`), MP3 (`audio/mpeg`, ID3 tag or a Layer III frame sync), AAC in
//!   ADTS (`audio/aac`), MPEG-4 audio (`audio/mp4`: `.m4a`), Ogg Vorbis (`audio/ogg`), Ogg Opus
//!   (`audio/opus`), FLAC (`audio/flac`), audio-only WebM/Matroska (`audio/webm`,
//!   `audio/x-matroska`);
//! * **video**: MP4 (`video/mp4`), QuickTime (`video/quicktime`), 3GP (`video/3gpp`), WebM
//!   (`video/webm`), Matroska (`video/x-matroska`), Ogg Theora (`video/ogg`).
//!
//! Containers that hold either audio or video (ISO BMFF `.mp4`/`.m4a`, WebM/Matroska) are decided
//! in this order: the track types visible in the first bytes (a `hdlr` box with `soun`/`vide`, a
//! Matroska `CodecID` starting `A_`/`V_`; any video track makes it video), then the `ftyp` brand
//! (`M4A `/`M4B ` are audio), then the claim (an audio extension such as `.m4a`/`.weba`/`.mka` or
//! a declared `audio/*` type makes it audio), else video.
//!
//! Signatures made of a few printable characters (`BM`, `MZ`, `GIF`, `ID3`, `OggS`, …) only count
//! when the bytes around them are not clean text, so a transcript that starts with `BMW 상담` or
//! `MZ세대` stays text; the audio checks also require a byte that text never has (a version byte,
//! a NUL in a box size).
//!
//! Everything else is [`IngestError::UnsupportedType`] naming the detected MIME type: images,
//! archives, documents, executables, and audio/video formats the decoder cannot read (MIDI, AMR,
//! AIFF, APE, AVI, WMV, MPEG-PS, FLV). Binary content without known magic is
//! `application/octet-stream`.
//!
//! Wrong magic for the claimed type: a file whose name (or, without a telling extension, whose
//! declared type) claims audio, video or another binary format but whose content is text is
//! rejected, naming both; so is unsupported content under any name (a PNG named `.wav`, a ZIP named
//! `.txt`). Recognised audio/video under a different name is accepted as what it is, with
//! [`Detected::extension_hint_mismatch`] set, because its magic bytes identify it beyond doubt.

use shared::consultation::FileType;

use super::IngestError;

/// How many leading bytes are examined (the storage layer keeps this many as the file's head).
pub const SNIFF_BYTES: usize = 8 * 1024;

/// What an upload was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// Text, audio or video.
    pub file_type: FileType,
    /// The MIME type of the content (`text/plain`, `audio/mpeg`, `video/mp4`, …).
    pub mime: String,
    /// Whether the file name (or declared type) claimed something else than the content is.
    pub extension_hint_mismatch: bool,
}

/// Recognises an upload from its first bytes, using the file name and declared MIME type as hints.
///
/// Errors: [`IngestError::Empty`] for an empty head, [`IngestError::UnsupportedType`] for content
/// that is neither text nor a supported audio/video format, or text claimed to be something else.
pub fn detect(
    head: &[u8],
    file_name: &str,
    declared_mime: Option<&str>,
) -> Result<Detected, IngestError> {
    let head = head.get(..SNIFF_BYTES).unwrap_or(head);
    if head.is_empty() {
        return Err(IngestError::Empty);
    }
    let claim = Claim::from_hints(file_name, declared_mime);
    match sniff_content(head, &claim) {
        Content::Media(format) => Ok(Detected {
            file_type: format.kind,
            mime: format.mime.to_owned(),
            extension_hint_mismatch: claim.contradicts(format.kind, format.extensions),
        }),
        Content::Unsupported { mime, extension } => Err(IngestError::UnsupportedType {
            detected: mime.to_owned(),
            claimed: claim.label_for_unsupported(mime, extension),
        }),
        Content::Text => {
            if claim.kind.is_some_and(|kind| kind != ClaimKind::Text) {
                return Err(IngestError::UnsupportedType {
                    detected: TEXT_MIME.to_owned(),
                    claimed: Some(claim.label),
                });
            }
            Ok(Detected {
                file_type: FileType::Text,
                mime: TEXT_MIME.to_owned(),
                extension_hint_mismatch: false,
            })
        }
    }
}

/// Whether `mime` is one of the audio/video types [`detect`] accepts (as opposed to recognised but
/// unsupported ones such as `video/x-msvideo`).
pub fn is_supported_media(mime: &str) -> bool {
    MEDIA_FORMATS.iter().any(|f| f.mime == mime)
}

/// The MIME type reported for text content.
const TEXT_MIME: &str = "text/plain";
/// The MIME type reported for binary content without known magic.
const UNKNOWN_BINARY_MIME: &str = "application/octet-stream";

/// A supported audio/video format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MediaFormat {
    kind: FileType,
    mime: &'static str,
    /// Extensions under which the format is usually saved.
    extensions: &'static [&'static str],
}

const fn media(
    kind: FileType,
    mime: &'static str,
    extensions: &'static [&'static str],
) -> MediaFormat {
    MediaFormat {
        kind,
        mime,
        extensions,
    }
}

const WAV: MediaFormat = media(FileType::Audio, "audio/wav", &["wav", "wave"]);
const MP3: MediaFormat = media(FileType::Audio, "audio/mpeg", &["mp3", "mpga"]);
const AAC: MediaFormat = media(FileType::Audio, "audio/aac", &["aac", "adts"]);
const M4A: MediaFormat = media(FileType::Audio, "audio/mp4", &["m4a", "m4b", "mp4", "aac"]);
const OGG_VORBIS: MediaFormat = media(FileType::Audio, "audio/ogg", &["ogg", "oga"]);
const OGG_OPUS: MediaFormat = media(FileType::Audio, "audio/opus", &["opus", "ogg", "oga"]);
const FLAC: MediaFormat = media(FileType::Audio, "audio/flac", &["flac"]);
const WEBM_AUDIO: MediaFormat = media(FileType::Audio, "audio/webm", &["weba", "webm"]);
const MKA: MediaFormat = media(FileType::Audio, "audio/x-matroska", &["mka", "mkv"]);
const THREE_GP_AUDIO: MediaFormat = media(FileType::Audio, "audio/3gpp", &["3gp", "3ga", "3g2"]);
const MP4: MediaFormat = media(FileType::Video, "video/mp4", &["mp4", "m4v"]);
const MOV: MediaFormat = media(FileType::Video, "video/quicktime", &["mov", "qt"]);
const THREE_GP: MediaFormat = media(FileType::Video, "video/3gpp", &["3gp", "3g2"]);
const WEBM: MediaFormat = media(FileType::Video, "video/webm", &["webm"]);
const MKV: MediaFormat = media(FileType::Video, "video/x-matroska", &["mkv"]);
const OGG_THEORA: MediaFormat = media(FileType::Video, "video/ogg", &["ogv", "ogg"]);

/// Every supported audio/video format.
const MEDIA_FORMATS: &[MediaFormat] = &[
    WAV,
    MP3,
    AAC,
    M4A,
    OGG_VORBIS,
    OGG_OPUS,
    FLAC,
    WEBM_AUDIO,
    MKA,
    THREE_GP_AUDIO,
    MP4,
    MOV,
    THREE_GP,
    WEBM,
    MKV,
    OGG_THEORA,
];

/// What the content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Text,
    Media(MediaFormat),
    /// Recognised (or unknown binary) but not supported.
    Unsupported {
        /// The MIME type to report.
        mime: &'static str,
        /// The content's usual extension (empty when unknown).
        extension: &'static str,
    },
}

/// What the client's hints say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimKind {
    Text,
    Audio,
    Video,
    /// A binary format we do not take: images, archives, documents.
    OtherBinary,
}

/// The client's claim: the kind, the claimed extension (lower case) and a label for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Claim {
    kind: Option<ClaimKind>,
    extension: Option<String>,
    /// `.wav` or `audio/wav`: what the client claimed, for messages.
    label: String,
}

/// Extensions of text transcripts.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "srt", "vtt", "webvtt", "json", "jsonl", "ndjson", "csv", "tsv", "log", "md",
    "sbv",
];
/// Extensions of audio files.
const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "mp3", "mpga", "m4a", "m4b", "aac", "adts", "ogg", "oga", "opus", "flac",
    "weba", "mka", "amr", "aiff", "aif", "wma", "mid", "midi", "ape", "3ga",
];
/// Extensions of video files.
const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "qt", "webm", "mkv", "ogv", "avi", "wmv", "flv", "mpg", "mpeg", "3gp",
    "3g2", "ts",
];
/// Extensions of other binary formats (images, archives, documents, programs).
const OTHER_BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "webp", "heic", "tif", "tiff", "ico", "zip", "gz", "tgz",
    "7z", "rar", "tar", "bz2", "xz", "zst", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "hwp", "hwpx", "exe", "dll", "so", "bin", "dmg", "iso", "apk", "jar", "wasm",
];

impl Claim {
    fn from_hints(file_name: &str, declared_mime: Option<&str>) -> Self {
        // The last path segment, whichever separator the client used.
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let extension = base
            .rsplit_once('.')
            .map(|(_, ext)| ext.trim().to_ascii_lowercase())
            .filter(|ext| !ext.is_empty() && ext.len() <= 8 && ext.is_ascii());
        if let Some(ext) = extension.as_deref() {
            let kind = if TEXT_EXTENSIONS.contains(&ext) {
                Some(ClaimKind::Text)
            } else if AUDIO_EXTENSIONS.contains(&ext) {
                Some(ClaimKind::Audio)
            } else if VIDEO_EXTENSIONS.contains(&ext) {
                Some(ClaimKind::Video)
            } else if OTHER_BINARY_EXTENSIONS.contains(&ext) {
                Some(ClaimKind::OtherBinary)
            } else {
                None
            };
            if kind.is_some() {
                return Self {
                    kind,
                    label: format!(".{ext}"),
                    extension,
                };
            }
        }
        // Without a telling extension, the declared type is the claim (browsers derive it from the
        // extension, so this mostly matters for API clients).
        let essence = declared_mime
            .and_then(|m| m.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| m.len() <= 100 && m.is_ascii() && !m.chars().any(|c| c.is_control()))
            .unwrap_or_default();
        let kind = match essence.split_once('/') {
            Some(("text", _)) => Some(ClaimKind::Text),
            Some(("audio", _)) => Some(ClaimKind::Audio),
            Some(("video", _)) => Some(ClaimKind::Video),
            Some(("image" | "font", _)) => Some(ClaimKind::OtherBinary),
            Some(("application", "json" | "x-ndjson" | "jsonl" | "x-subrip" | "csv" | "x-csv")) => {
                Some(ClaimKind::Text)
            }
            Some(("application", sub))
                if sub.contains("zip")
                    || sub.contains("compressed")
                    || sub.contains("pdf")
                    || sub.contains("msword")
                    || sub.contains("officedocument")
                    || sub.contains("executable")
                    || sub == "x-tar" =>
            {
                Some(ClaimKind::OtherBinary)
            }
            // `application/octet-stream` and the rest say nothing.
            _ => None,
        };
        Self {
            kind,
            extension: None,
            label: if kind.is_some() {
                essence
            } else {
                String::new()
            },
        }
    }

    /// Whether the claim contradicts content of `kind` saved under one of `extensions`.
    /// An extension under which the format is saved never contradicts it (an audio-only `.webm`
    /// or `.mp4` is fine); otherwise another kind does, and so does another extension of the same
    /// kind (a WAV named `.mp3`).
    fn contradicts(&self, kind: FileType, extensions: &[&str]) -> bool {
        let Some(claimed) = self.kind else {
            return false;
        };
        if self
            .extension
            .as_deref()
            .is_some_and(|ext| extensions.contains(&ext))
        {
            return false;
        }
        let same_kind = matches!(
            (claimed, kind),
            (ClaimKind::Text, FileType::Text)
                | (ClaimKind::Audio, FileType::Audio)
                | (ClaimKind::Video, FileType::Video)
        );
        match (&self.extension, same_kind) {
            (_, false) => true,
            (Some(_), true) => kind != FileType::Text,
            (None, true) => false,
        }
    }

    /// The claim's label, worth naming beside unsupported content: when the client claimed text,
    /// audio or video and the content is not saved under the claimed extension (a PNG named `.wav`,
    /// a ZIP named `.txt`; not an AMR named `.amr`, nor a PDF named `.pdf`).
    fn label_for_unsupported(&self, mime: &str, content_extension: &str) -> Option<String> {
        if !matches!(
            self.kind,
            Some(ClaimKind::Text | ClaimKind::Audio | ClaimKind::Video)
        ) {
            return None;
        }
        let same = match self.extension.as_deref() {
            // `.aif` for `aiff`, `.mid` for `midi`.
            Some(ext) => {
                !content_extension.is_empty()
                    && (content_extension.starts_with(ext) || ext.starts_with(content_extension))
            }
            None => self.label == mime,
        };
        (!same).then(|| self.label.clone())
    }

    fn says_audio(&self) -> bool {
        self.kind == Some(ClaimKind::Audio)
    }
}

/// Decides what the content is.
fn sniff_content(head: &[u8], claim: &Claim) -> Content {
    // Byte-order marks first: `FF FE` would otherwise look like an MPEG frame sync.
    if head.starts_with(&[0xEF, 0xBB, 0xBF])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF])
    {
        return sniff_text(head);
    }
    if let Some(content) = sniff_media(head, claim) {
        return content;
    }
    match infer::get(head) {
        Some(kind) if kind.matcher_type() == infer::MatcherType::Text => sniff_text(head),
        // Some of infer's signatures are two or three printable letters (`BM` for BMP, `MZ` for
        // executables, `GIF`, `BZh`, `%!`): a head that reads as clean text is text.
        Some(kind) if WEAK_SIGNATURES.contains(&kind.mime_type()) && is_clean_text(head) => {
            Content::Text
        }
        // infer matched a supported format on fewer bytes than `sniff_media` requires (`ID3`
        // without a version, `OggS` without version 0): a damaged header, not that format.
        Some(kind) if is_supported_media(kind.mime_type()) => Content::Unsupported {
            mime: UNKNOWN_BINARY_MIME,
            extension: "",
        },
        Some(kind) => Content::Unsupported {
            mime: kind.mime_type(),
            extension: kind.extension(),
        },
        None => sniff_text(head),
    }
}

/// Text when [`super::text::decode_text`] reads the head (a whitespace-only head counts: the rest
/// of the file decides), else unknown binary.
fn sniff_text(head: &[u8]) -> Content {
    match super::text::decode_text(head) {
        Ok(_) | Err(IngestError::Empty) => Content::Text,
        Err(_) => Content::Unsupported {
            mime: UNKNOWN_BINARY_MIME,
            extension: "",
        },
    }
}

/// Types whose `infer` signature is a few printable characters that a transcript may start with.
const WEAK_SIGNATURES: &[&str] = &[
    "image/bmp",
    "image/gif",
    "application/vnd.microsoft.portable-executable",
    "application/x-bzip2",
    "application/x-shockwave-flash",
    "application/postscript",
    "audio/amr",
    // Also the formats `sniff_media` checks more strictly: infer's looser match on text is text.
    "video/quicktime",
    "audio/mpeg",
    "audio/ogg",
    "audio/opus",
    "audio/x-flac",
];

/// Whether the head decodes as text with at most one replacement (a character cut off at the end)
/// and no control characters other than whitespace. Real binary formats fail this at once (NUL
/// bytes, `\x1A`, invalid sequences).
fn is_clean_text(head: &[u8]) -> bool {
    super::text::decode_text(head).is_ok_and(|decoded| {
        decoded.replaced_chars <= 1
            && !decoded
                .text
                .chars()
                .any(|c| c.is_control() && !c.is_whitespace())
    })
}

/// Recognises the supported audio/video containers and streams. Each check includes a byte that
/// text never has (a NUL, a version byte, a size field), so a transcript that happens to start
/// with `ID3`, `OggS` or `fLaC` stays text.
fn sniff_media(head: &[u8], claim: &Claim) -> Option<Content> {
    let media = |format| Some(Content::Media(format));
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WAVE") {
        return media(WAV);
    }
    // `fLaC`, then the first metadata block header: type 0 (STREAMINFO), maybe flagged last.
    if head.starts_with(b"fLaC") && head.get(4).is_some_and(|b| b & 0x7F == 0) {
        return media(FLAC);
    }
    // `OggS`, then stream structure version 0.
    if head.starts_with(b"OggS") && head.get(4) == Some(&0) {
        return media(sniff_ogg(head));
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return media(sniff_matroska(head, claim));
    }
    // ISO base media: a first box of under 16 MiB (size high byte 0) of type `ftyp`, or an old
    // QuickTime file starting with `moov`, `mdat`, `wide` or `free`.
    let small_first_box = head.first() == Some(&0) && head.len() >= 16;
    if small_first_box && head.get(4..8) == Some(b"ftyp") {
        return sniff_iso_bmff(head, claim).map(Content::Media);
    }
    if small_first_box && matches!(head.get(4..8), Some(b"moov" | b"mdat" | b"wide" | b"free")) {
        return media(if has_only_sound_tracks(head) {
            M4A
        } else {
            MOV
        });
    }
    // `ID3`, then major version 2-4 and revision 0.
    if head.starts_with(b"ID3")
        && head.get(3).is_some_and(|v| (2..=4).contains(v))
        && head.get(4) == Some(&0)
    {
        return media(MP3);
    }
    match head {
        // MPEG audio Layer III frame sync (MPEG-1, -2, -2.5; with or without CRC).
        [0xFF, 0xE2 | 0xE3 | 0xF2 | 0xF3 | 0xFA | 0xFB, ..] => media(MP3),
        // AAC in ADTS (MPEG-4 or MPEG-2, with or without CRC).
        [0xFF, 0xF0 | 0xF1 | 0xF8 | 0xF9, ..] => media(AAC),
        _ => None,
    }
}

/// Ogg: the codec of the first logical stream names the format.
fn sniff_ogg(head: &[u8]) -> MediaFormat {
    // The first page's segment table ends at 27 + its length; the first packet starts there.
    let packet_start = head
        .get(26)
        .map_or(28, |&segments| 27 + usize::from(segments));
    let packet = head.get(packet_start..).unwrap_or_default();
    if packet.starts_with(b"OpusHead") {
        OGG_OPUS
    } else if packet.starts_with(b"\x80theora") {
        OGG_THEORA
    } else {
        // Vorbis (`\x01vorbis`), FLAC in Ogg (`\x7FFLAC`) and the rest: audio.
        OGG_VORBIS
    }
}

/// WebM/Matroska: video if any track's codec is a video codec (`V_…`), audio if only audio codecs
/// (`A_…`) are visible, else by the claim (audio claims make it audio), else video.
fn sniff_matroska(head: &[u8], claim: &Claim) -> MediaFormat {
    // The EBML header's DocType (`webm` or `matroska`) is within its first few dozen bytes.
    let header = head.get(..64).unwrap_or(head);
    let webm = contains(header, b"webm");
    let (mut audio, mut video) = (false, false);
    // A CodecID element: ID 0x86, a one-byte size (0x80 | length), then the ASCII codec id.
    for window in head.windows(4) {
        if let [0x86, size, kind, b'_'] = window
            && (0x81..=0xA0).contains(size)
        {
            audio |= *kind == b'A';
            video |= *kind == b'V';
        }
    }
    let is_audio = !video && (audio || claim.says_audio());
    match (webm, is_audio) {
        (true, true) => WEBM_AUDIO,
        (true, false) => WEBM,
        (false, true) => MKA,
        (false, false) => MKV,
    }
}

/// ISO base media (MP4, M4A, MOV, 3GP): handler types, then the brand, then the claim.
fn sniff_iso_bmff(head: &[u8], claim: &Claim) -> Option<MediaFormat> {
    let brand = head.get(8..12)?;
    let three_gp = brand.starts_with(b"3g");
    let quicktime = brand == b"qt  ";
    let audio_brand = matches!(brand, b"M4A " | b"M4B " | b"M4P " | b"F4A " | b"F4B ");
    let (sound, video) = handler_types(head);
    let is_audio = !video && (sound || audio_brand || claim.says_audio());
    Some(match (three_gp, quicktime, is_audio) {
        (true, _, true) => THREE_GP_AUDIO,
        (true, _, false) => THREE_GP,
        (false, _, true) => M4A,
        (false, true, false) => MOV,
        (false, false, false) => MP4,
    })
}

/// Whether a head without `ftyp` shows sound tracks and no video track.
fn has_only_sound_tracks(head: &[u8]) -> bool {
    let (sound, video) = handler_types(head);
    sound && !video
}

/// Which handler types (`soun`, `vide`) the `hdlr` boxes in the head declare: (sound, video).
fn handler_types(head: &[u8]) -> (bool, bool) {
    let (mut sound, mut video) = (false, false);
    let mut rest = head;
    // `hdlr`, version and flags (4 bytes), pre_defined (4 bytes), handler type (4 bytes).
    while let Some(at) = find(rest, b"hdlr") {
        match rest.get(at + 12..at + 16) {
            Some(b"soun") => sound = true,
            Some(b"vide") => video = true,
            _ => {}
        }
        rest = rest.get(at + 4..).unwrap_or_default();
    }
    (sound, video)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    fn wav() -> Vec<u8> {
        let mut bytes = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x00\x08\x00\x00".to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 64));
        bytes
    }

    /// An `ftyp` box with `brand`, then a `moov` with one `hdlr` of `handler` (if any).
    fn iso(brand: &[u8; 4], handler: Option<&[u8; 4]>) -> Vec<u8> {
        let mut bytes = vec![0, 0, 0, 0x18];
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(brand);
        bytes.extend_from_slice(&[0, 0, 2, 0]);
        bytes.extend_from_slice(b"isomiso2");
        bytes.extend_from_slice(&[0, 0, 0, 0x30]);
        bytes.extend_from_slice(b"moov");
        if let Some(handler) = handler {
            bytes.extend_from_slice(&[0, 0, 0, 0x21]);
            bytes.extend_from_slice(b"hdlr");
            bytes.extend_from_slice(&[0; 8]);
            bytes.extend_from_slice(handler);
            bytes.extend_from_slice(&[0; 13]);
        }
        bytes
    }

    /// An EBML header with `doc_type`, then a Tracks element with the given codec ids.
    fn ebml(doc_type: &str, codecs: &[&str]) -> Vec<u8> {
        let mut bytes = vec![
            0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82,
        ];
        bytes.push(0x80 | u8::try_from(doc_type.len()).unwrap());
        bytes.extend_from_slice(doc_type.as_bytes());
        bytes.extend_from_slice(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF]);
        bytes.extend_from_slice(&[0x16, 0x54, 0xAE, 0x6B, 0xC0]);
        for codec in codecs {
            bytes.extend_from_slice(&[0xAE, 0x90, 0xD7, 0x81, 0x01, 0x86]);
            bytes.push(0x80 | u8::try_from(codec.len()).unwrap());
            bytes.extend_from_slice(codec.as_bytes());
        }
        bytes
    }

    fn ogg(first_packet: &[u8]) -> Vec<u8> {
        let mut bytes = b"OggS\x00\x02".to_vec();
        bytes.extend_from_slice(&[0; 20]);
        bytes.push(1); // one segment
        bytes.push(u8::try_from(first_packet.len()).unwrap());
        bytes.extend_from_slice(first_packet);
        bytes
    }

    fn detected(head: &[u8], name: &str, mime: Option<&str>) -> (FileType, String, bool) {
        let d = detect(head, name, mime).unwrap();
        (d.file_type, d.mime, d.extension_hint_mismatch)
    }

    fn rejected(head: &[u8], name: &str, mime: Option<&str>) -> (String, Option<String>) {
        match detect(head, name, mime) {
            Err(IngestError::UnsupportedType { detected, claimed }) => (detected, claimed),
            other => panic!("expected UnsupportedType, got {other:?}"),
        }
    }

    #[test]
    fn korean_and_english_transcripts_are_text_in_any_encoding() {
        let text = "상담원: 안녕하세요\n고객: 환불 문의드립니다\n";
        let (cp949, _, _) = encoding_rs::EUC_KR.encode(text);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        for (bytes, name) in [
            (text.as_bytes().to_vec(), "상담.txt"),
            (cp949.into_owned(), "상담.txt"),
            (utf16, "export.csv"),
            (b"Agent: Hello\nCustomer: Hi\n".to_vec(), "call"),
            (b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi".to_vec(), "a.vtt"),
            (
                b"[{\"speaker\":\"agent\",\"text\":\"hi\"}]".to_vec(),
                "a.json",
            ),
        ] {
            assert_eq!(
                detected(&bytes, name, Some("text/plain")),
                (FileType::Text, "text/plain".to_owned(), false),
                "{name}"
            );
        }
    }

    #[test]
    fn audio_formats_are_recognised_by_their_magic_bytes() {
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (wav(), "call.wav", "audio/wav"),
            (
                b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec(),
                "call.mp3",
                "audio/mpeg",
            ),
            (
                vec![0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0],
                "call.mp3",
                "audio/mpeg",
            ),
            (
                vec![0xFF, 0xF3, 0x64, 0xC4, 0, 0, 0, 0],
                "call.mp3",
                "audio/mpeg",
            ),
            (
                vec![0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC],
                "call.aac",
                "audio/aac",
            ),
            (iso(b"M4A ", None), "call.m4a", "audio/mp4"),
            (iso(b"isom", Some(b"soun")), "call.mp4", "audio/mp4"),
            (
                ogg(b"\x01vorbis\x00\x00\x00\x00\x01"),
                "call.ogg",
                "audio/ogg",
            ),
            (ogg(b"OpusHead\x01\x01"), "call.opus", "audio/opus"),
            (
                b"fLaC\x00\x00\x00\x22\x10\x00".to_vec(),
                "call.flac",
                "audio/flac",
            ),
            (ebml("webm", &["A_OPUS"]), "call.webm", "audio/webm"),
            (
                ebml("matroska", &["A_VORBIS"]),
                "call.mka",
                "audio/x-matroska",
            ),
        ];
        for (bytes, name, mime) in cases {
            let (kind, got, _) = detected(&bytes, name, None);
            assert_eq!((kind, got.as_str()), (FileType::Audio, mime), "{name}");
            assert!(is_supported_media(mime));
        }
    }

    #[test]
    fn video_formats_are_recognised_by_their_magic_bytes() {
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (iso(b"isom", None), "call.mp4", "video/mp4"),
            (iso(b"mp42", Some(b"vide")), "call.mp4", "video/mp4"),
            (iso(b"qt  ", None), "call.mov", "video/quicktime"),
            (iso(b"3gp4", None), "call.3gp", "video/3gpp"),
            (
                ebml("webm", &["V_VP9", "A_OPUS"]),
                "call.webm",
                "video/webm",
            ),
            (
                ebml("matroska", &["V_MPEG4/ISO/AVC"]),
                "call.mkv",
                "video/x-matroska",
            ),
            (ebml("webm", &[]), "call.webm", "video/webm"),
            (ogg(b"\x80theora\x03\x02"), "call.ogv", "video/ogg"),
        ];
        for (bytes, name, mime) in cases {
            let (kind, got, mismatch) = detected(&bytes, name, None);
            assert_eq!((kind, got.as_str()), (FileType::Video, mime), "{name}");
            assert!(!mismatch, "{name}");
        }
    }

    #[test]
    fn ambiguous_containers_follow_the_audio_claim() {
        // No track information in the head: an audio name or declared type makes it audio.
        assert_eq!(
            detected(&ebml("webm", &[]), "voice.weba", None).1,
            "audio/webm"
        );
        assert_eq!(
            detected(&ebml("webm", &[]), "upload", Some("audio/webm;codecs=opus")).1,
            "audio/webm"
        );
        assert_eq!(
            detected(&iso(b"mp42", None), "call.m4a", None).1,
            "audio/mp4"
        );
        // A visible video track wins over the claim.
        let (kind, mime, mismatch) = detected(&ebml("webm", &["V_VP8"]), "voice.weba", None);
        assert_eq!(
            (kind, mime.as_str(), mismatch),
            (FileType::Video, "video/webm", true)
        );
    }

    #[test]
    fn recognised_media_under_another_name_is_accepted_with_a_mismatch_flag() {
        assert_eq!(
            detected(&wav(), "call.mp3", None),
            (FileType::Audio, "audio/wav".to_owned(), true)
        );
        assert_eq!(
            detected(&wav(), "transcript.txt", Some("text/plain")),
            (FileType::Audio, "audio/wav".to_owned(), true)
        );
        assert_eq!(
            detected(&wav(), "call.wav", Some("text/plain")),
            (FileType::Audio, "audio/wav".to_owned(), false)
        );
        // Audio-only files in containers named like video are not a mismatch.
        assert_eq!(
            detected(&ebml("webm", &["A_OPUS"]), "meeting.webm", None),
            (FileType::Audio, "audio/webm".to_owned(), false)
        );
        assert_eq!(
            detected(&iso(b"isom", Some(b"soun")), "call.mp4", None),
            (FileType::Audio, "audio/mp4".to_owned(), false)
        );
    }

    #[test]
    fn wrong_magic_for_the_claimed_type_is_rejected_naming_both() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        assert_eq!(
            rejected(&png, "call.wav", Some("audio/wav")),
            ("image/png".to_owned(), Some(".wav".to_owned()))
        );
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00";
        assert_eq!(
            rejected(zip, "transcript.txt", Some("text/plain")),
            ("application/zip".to_owned(), Some(".txt".to_owned()))
        );
        assert_eq!(
            rejected("상담원: 안녕하세요".as_bytes(), "call.wav", None),
            ("text/plain".to_owned(), Some(".wav".to_owned()))
        );
        assert_eq!(
            rejected(b"Agent: hi\nCustomer: hello", "upload", Some("video/mp4")),
            ("text/plain".to_owned(), Some("video/mp4".to_owned()))
        );
        assert_eq!(
            rejected(b"Agent: hi", "scan.pdf", None),
            ("text/plain".to_owned(), Some(".pdf".to_owned()))
        );
        // Unsupported content without a telling claim names only the content.
        assert_eq!(
            rejected(&png, "upload", None),
            ("image/png".to_owned(), None)
        );
        assert_eq!(
            rejected(&png, "image.png", None),
            ("image/png".to_owned(), None)
        );
    }

    #[test]
    fn unsupported_audio_video_and_binary_formats_name_their_type() {
        let avi = b"RIFF\x00\x00\x00\x00AVI LIST";
        assert_eq!(rejected(avi, "a.avi", None).0, "video/x-msvideo");
        assert_eq!(
            rejected(b"#!AMR\n\x00\x00\x00\x00\x00\x00", "a.amr", None).0,
            "audio/amr"
        );
        assert_eq!(
            rejected(b"MThd\x00\x00\x00\x06", "a.mid", None).0,
            "audio/midi"
        );
        assert_eq!(
            rejected(b"%PDF-1.7\n%\xE2\xE3", "a.pdf", None).0,
            "application/pdf"
        );
        let mut elf = b"\x7FELF\x02\x01\x01\x00".to_vec();
        elf.resize(64, 0);
        assert_eq!(rejected(&elf, "a", None).0, "application/x-executable");
        let noise: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(
            rejected(&noise, "a.txt", None).0,
            "application/octet-stream"
        );
        assert!(!is_supported_media("video/x-msvideo"));
        assert!(!is_supported_media("text/plain"));
    }

    #[test]
    fn transcripts_that_start_like_a_signature_stay_text() {
        for text in [
            "BMW 서비스센터 상담 기록\n상담원: 안녕하세요\n고객: 네",
            "MZ세대 고객 상담\n상담원: 안녕하세요",
            "GIF 파일이 안 열려요\n고객: 도와주세요",
            "BZh 문의\nAgent: hi",
            "%! 메모\nAgent: hi",
            "ID3 태그 문의\nAgent: hi",
            "OggS 파일\nAgent: hi",
            "fLaC 파일\nAgent: hi",
            "Tollfree line\nAgent: hi",
            "RIFF WAVE 문의\nAgent: hi",
            "<?xml version=\"1.0\"?><turns/>",
            "#!/bin/sh\necho hi",
        ] {
            assert_eq!(
                detected(text.as_bytes(), "call.txt", None).0,
                FileType::Text,
                "{text}"
            );
        }
    }

    #[test]
    fn damaged_media_headers_are_unknown_binary_not_a_supported_type() {
        // Found by the `sniff` fuzz target: `ID3` without a version byte, with NULs after it.
        let head = b"ID3D3\x04\x00\x00\x00\x00\xff\xfb\x90d";
        assert_eq!(
            rejected(head, "call.mp3", None),
            (
                "application/octet-stream".to_owned(),
                Some(".mp3".to_owned())
            )
        );
        let ogg = b"OggS\x07\x02\x00\x00\x00\x00\x00\x00\x00\x00";
        assert_eq!(
            rejected(ogg, "call.ogg", None).0,
            "application/octet-stream"
        );
    }

    #[test]
    fn utf16_text_is_not_mistaken_for_mpeg_audio() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Agent: hi".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(detected(&bytes, "a.txt", None).0, FileType::Text);
    }

    #[test]
    fn hostile_names_and_heads_never_panic() {
        assert_eq!(detect(b"", "a.txt", None), Err(IngestError::Empty));
        for name in [
            "",
            ".",
            "..",
            "../../etc/passwd",
            "a.",
            "\u{0}.wav",
            "C:\\x\\y.WAV",
            "a.😀",
        ] {
            for head in [
                &b"x"[..],
                b"RIFF",
                b"OggS",
                b"\x1A\x45\xDF\xA3",
                b"\0\0\0\0ftyp",
                b"\xFF",
            ] {
                let _ = detect(head, name, Some("\u{7}/\u{0}"));
            }
        }
        // Upper-case extensions and Windows paths still give a claim.
        assert_eq!(
            rejected(b"Agent: hi", "C:\\calls\\CALL.WAV", None).1,
            Some(".wav".to_owned())
        );
    }
}
