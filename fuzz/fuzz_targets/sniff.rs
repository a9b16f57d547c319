//! Type sniffing: the first byte picks a client file name and declared type, the rest is the
//! file's head. Detection either names a supported type or fails with a stable code.

#![no_main]

use coach_analyzer::ingest::IngestError;
use coach_analyzer::ingest::sniff::{SNIFF_BYTES, detect, is_supported_media};
use libfuzzer_sys::fuzz_target;
use shared::consultation::FileType;

const NAMES: &[&str] = &[
    "call.wav",
    "call.mp3",
    "call.m4a",
    "voice.weba",
    "meeting.webm",
    "clip.mp4",
    "clip.mov",
    "transcript.txt",
    "subtitles.srt",
    "captions.vtt",
    "turns.json",
    "chat.csv",
    "scan.pdf",
    "photo.PNG",
    "archive.zip",
    "noext",
    "../../etc/passwd",
    "C:\\calls\\CALL.WAV",
    "a.",
    "",
];
const MIMES: &[Option<&str>] = &[
    None,
    Some("text/plain"),
    Some("audio/webm;codecs=opus"),
    Some("video/mp4"),
    Some("application/octet-stream"),
    Some("image/png"),
    Some("application/zip"),
    Some("\u{0}/\u{7}"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, head)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let mime = MIMES[usize::from(selector / 32) % MIMES.len()];
    match detect(head, name, mime) {
        Ok(found) => match found.file_type {
            FileType::Text => assert_eq!(found.mime, "text/plain"),
            FileType::Audio | FileType::Video => assert!(is_supported_media(&found.mime)),
        },
        Err(IngestError::Empty) => assert!(head.is_empty()),
        Err(IngestError::UnsupportedType { detected, claimed }) => {
            assert!(!detected.is_empty() && detected.is_ascii());
            assert!(!is_supported_media(&detected));
            assert!(claimed.is_none_or(|c| !c.is_empty() && c.is_ascii()));
        }
        Err(other) => panic!("unexpected error from detect: {other:?}"),
    }
    // Only the head matters: more bytes after it never change the answer.
    if head.len() > SNIFF_BYTES {
        let cut = &head[..SNIFF_BYTES];
        assert_eq!(detect(cut, name, mime), detect(head, name, mime));
    }
});
