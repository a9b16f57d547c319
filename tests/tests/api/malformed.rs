//! Hostile and malformed uploads through the real upload path: nothing may cause a 5xx, an
//! `INTERNAL` error, a panic or a job that never finishes, and the client's file name never becomes
//! part of a storage key.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use coach_app::config::SpeechEngineKind;
use coach_app::entity::consultations;
use futures_util::stream::{self, StreamExt};
use sea_orm::EntityTrait;
use serde_json::Value;
use tests::{Db, TestApp, UploadFile, db_tests, spawn_app, spawn_app_with};

/// Failure codes a finished job may carry: each names a problem of the input, not of the server.
const STABLE_FAILURE_CODES: &[&str] = &[
    "NO_TURNS_FOUND",
    "UNSUPPORTED_FILE_TYPE",
    "EMPTY_FILE",
    "FILE_TOO_LARGE",
    "MEDIA_DECODE_FAILED",
    "NO_SPEECH_FOUND",
];
/// Uploads in flight at once.
const CONCURRENCY: usize = 8;

/// One generated upload.
struct Case {
    kind: &'static str,
    name: String,
    bytes: Vec<u8>,
    mime: &'static str,
}

/// A small deterministic generator (xorshift64), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KOREAN_CALL: &str = "[00:00:01] 상담원: 안녕하십니까, 행복카드 고객센터 상담원 김민지입니다. 무엇을 도와드릴까요?\n[00:00:06] 고객: 카드를 잃어버렸어요. 어제 저녁부터 안 보여요.\n[00:00:12] 상담원: 많이 놀라셨겠어요. 바로 분실 신고와 정지부터 도와드리겠습니다.\n[00:00:20] 고객: 네, 빨리 부탁드려요.\n[00:00:25] 상담원: 정지 처리되었습니다. 재발급은 3일 정도 걸립니다. 더 궁금하신 점 있으신가요?\n[00:00:31] 고객: 아니요, 감사합니다.\n";
const CSV_CHAT: &str = "시간,화자,내용\n00:00:01,상담원,\"안녕하세요, 고객센터입니다.\"\n00:00:05,고객,\"배송이 늦어요.\n언제 오나요?\"\n00:00:09,상담원,\"\"\"확인\"\" 후 안내드리겠습니다.\"\n";
const SRT: &str = "1\n00:00:01,000 --> 00:00:03,500\n상담원: 안녕하세요, 고객센터입니다.\n\n2\n00:00:04,000 --> 00:00:06,000\n고객: 카드를 잃어버렸어요.\n\n3\n00:00:06,500 --> 00:00:08,000\n상담원: 바로 정지해 드리겠습니다.\n";
const VTT: &str = "WEBVTT\n\nNOTE exported\n\n00:01.000 --> 00:04.000\n<v Agent>Hello, thanks for calling.</v>\n\ncue-2\n00:00:05.000 --> 00:00:07.250 align:start\n<v Customer>My <b>package</b> is late &amp; I'm upset.\n";
const JSON_TURNS: &str = r#"{"turns":[{"speaker":"agent","text":"안녕하세요","start":1.5},{"speaker":"customer","text":"환불해 주세요","start":"00:00:04.000"}]}"#;

/// A short call with CP949-only syllables (똠, 햏), saved as CP949.
const CP949_CALL: &[u8] = b"\xBB\xF3\xB4\xE3\xBF\xF8: \xBE\xC8\xB3\xE7\xC7\xCF\xBD\xCA\xB4\xCF\xB1\xEE, \xC7\xE0\xBA\xB9\xC4\xAB\xB5\xE5 \xB0\xED\xB0\xB4\xBC\xBE\xC5\xCD\xC0\xD4\xB4\xCF\xB4\xD9. \xB9\xAB\xBE\xF9\xC0\xBB \xB5\xB5\xBF\xCD\xB5\xE5\xB8\xB1\xB1\xEE\xBF\xE4?\n\xB0\xED\xB0\xB4: \xC4\xAB\xB5\xE5\xB8\xA6 \xC0\xD2\xBE\xEE\xB9\xF6\xB7\xC8\xBE\xEE\xBF\xE4. \x8Cc\xB9\xE6\xB0\xA2\xC7\xCF \xC1d \xC1\xA4\xC1\xF6\xC7\xD8 \xC1\xD6\xBC\xBC\xBF\xE4.\n\xBB\xF3\xB4\xE3\xBF\xF8: \xB3\xD7, \xB9\xD9\xB7\xCE \xC1\xA4\xC1\xF6\xC7\xD8 \xB5\xE5\xB8\xAE\xB0\xDA\xBD\xC0\xB4\xCF\xB4\xD9.\n";

/// File names that must never reach the storage key or the file system.
const HOSTILE_NAMES: &[&str] = &[
    "../../etc/passwd",
    "../../../../../../../../etc/shadow",
    "..\\..\\windows\\system32\\config\\SAM",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "a/../../b.txt",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "con.txt",
    "NUL",
    "name\u{0}.txt",
    "tab\tname.txt",
    "line\nbreak.txt",
    "carriage\rreturn.txt",
    "bell\u{7}\u{1b}[31mred.txt",
    "\u{202E}txt.exe",
    "quote\"name.txt",
    "back\\slash.txt",
    "\u{FEFF}bom.txt",
    ".",
    "..",
    "",
    " ",
    "상담/../../../기록.txt",
];

fn truncate_utf8_bytes(text: &str, rng: &mut Rng) -> Vec<u8> {
    let bytes = text.as_bytes();
    let cut = 1 + rng.below(bytes.len().saturating_sub(1));
    bytes[..cut].to_vec()
}

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little_endian {
            &[0xFF, 0xFE]
        } else {
            &[0xFE, 0xFF]
        });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// Damages a valid sample: truncation, byte flips, deleted or duplicated spans, stray quotes.
fn mutate(sample: &str, rng: &mut Rng) -> Vec<u8> {
    const INSERTS: &[&[u8]] = &[
        b" --> ",
        b"<v ",
        b"WEBVTT",
        b"\"\"\"",
        b"\r\n\r\n",
        b"99:99:99,999",
        b"\"",
    ];
    let mut bytes = sample.as_bytes().to_vec();
    for _ in 0..1 + rng.below(6) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        let piece: Vec<u8> = match rng.below(6) {
            0 => {
                bytes.truncate(at.max(1));
                continue;
            }
            1 => {
                bytes[at] = rng.next() as u8;
                continue;
            }
            2 => {
                let end = (at + 1 + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
                continue;
            }
            3 => {
                let end = (at + 1 + rng.below(80)).min(bytes.len());
                let times = rng.below(50);
                bytes[at..end].repeat(times)
            }
            4 => rng.pick(INSERTS).to_vec(),
            _ => {
                let len = 1 + rng.below(8);
                rng.bytes(len)
            }
        };
        bytes = [&bytes[..at], &piece[..], &bytes[at..]].concat();
    }
    bytes
}

fn nested_json(depth: usize, object: bool) -> Vec<u8> {
    let (open, close) = if object {
        (r#"{"turns":"#, "}")
    } else {
        ("[", "]")
    };
    let mut out = open.repeat(depth);
    out.push_str(r#"{"speaker":"agent","text":"안녕하세요"}"#);
    out.push_str(&close.repeat(depth));
    out.into_bytes()
}

/// Magic bytes of formats that are not transcripts (or not supported yet).
fn magic_heads() -> Vec<(&'static str, Vec<u8>)> {
    let mut wav = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\x00\x08\x00\x00".to_vec();
    wav.resize(512, 0);
    let mut mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2\x00\x00\x00\x08free".to_vec();
    mp4.resize(512, 0);
    let mut elf = b"\x7FELF\x02\x01\x01\x00".to_vec();
    elf.resize(128, 0);
    vec![
        (
            "png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10".to_vec(),
        ),
        (
            "zip",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00!\x00".to_vec(),
        ),
        ("pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec()),
        ("gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec()),
        ("jpeg", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec()),
        ("gzip", b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03".to_vec()),
        ("elf", elf),
        ("wav", wav),
        (
            "mp3",
            b"ID3\x04\x00\x00\x00\x00\x00\x00\xFF\xFB\x90\x64".to_vec(),
        ),
        ("mp4", mp4),
        (
            "ogg",
            b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00".to_vec(),
        ),
        ("flac", b"fLaC\x00\x00\x00\x22\x10\x00\x10\x00".to_vec()),
        (
            "webm",
            b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm".to_vec(),
        ),
        ("riff-truncated", b"RIFF".to_vec()),
    ]
}

fn generate_cases() -> Vec<Case> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = Vec::new();
    let mut add = |kind: &'static str, name: String, bytes: Vec<u8>, mime: &'static str| {
        cases.push(Case {
            kind,
            name,
            bytes,
            mime,
        });
    };
    let text_names = [
        "call.txt",
        "chat.csv",
        "subs.srt",
        "captions.vtt",
        "turns.json",
        "noext",
    ];

    for i in 0..150 {
        let len = 1 + rng.below(if i % 10 == 0 { 60_000 } else { 3_000 });
        let name = format!("random-{i}.{}", rng.pick(&["txt", "bin", "wav", "csv"]));
        let bytes = rng.bytes(len);
        add("random bytes", name, bytes, "application/octet-stream");
    }
    for i in 0..100 {
        let sample = *rng.pick(&[KOREAN_CALL, CSV_CHAT, SRT, JSON_TURNS]);
        let bytes = truncate_utf8_bytes(sample, &mut rng);
        add(
            "truncated UTF-8",
            format!("truncated-utf8-{i}.txt"),
            bytes,
            "text/plain",
        );
    }
    for i in 0..100 {
        let mut bytes = utf16(KOREAN_CALL, i % 2 == 0, i % 3 != 0);
        let cut = 1 + rng.below(bytes.len() - 1);
        bytes.truncate(cut);
        if i % 5 == 0 {
            // A stray lone surrogate in the middle.
            let at = rng.below(bytes.len()) & !1;
            bytes.splice(at..at, [0x00, 0xD8]);
        }
        add(
            "truncated UTF-16",
            format!("utf16-{i}.txt"),
            bytes,
            "text/plain",
        );
    }
    for i in 0..100 {
        let bytes = if i % 2 == 0 {
            // Lead/trail-looking garbage in CP949's range.
            let len = 1 + rng.below(4_000);
            (0..len).map(|_| 0x81 + (rng.next() % 0x7E) as u8).collect()
        } else {
            let mut bytes = CP949_CALL.to_vec();
            for _ in 0..1 + rng.below(30) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            bytes
        };
        add(
            "CP949 garbage",
            format!("cp949-{i}.txt"),
            bytes,
            "text/plain",
        );
    }
    for i in 0..20 {
        let len = 64 * 1024 + rng.below(900 * 1024);
        let line = match i % 4 {
            0 => "가".repeat(len / 3),
            1 => format!("상담원: {}", "a".repeat(len)),
            2 => ":".repeat(len),
            _ => "[".repeat(len),
        };
        add(
            "huge line",
            format!("huge-{i}.txt"),
            line.into_bytes(),
            "text/plain",
        );
    }
    for i in 0..60 {
        let mut bytes = KOREAN_CALL.as_bytes().to_vec();
        let count = 1 + rng.below(if i % 4 == 0 { 2_000 } else { 5 });
        for _ in 0..count {
            let at = rng.below(bytes.len());
            bytes.insert(at, 0);
        }
        add("NUL bytes", format!("nul-{i}.txt"), bytes, "text/plain");
    }
    for i in 0..60 {
        let depth = [2, 10, 100, 127, 128, 129, 1_000, 10_000, 100_000][i % 9];
        add(
            "nested JSON",
            format!("nested-{i}.json"),
            nested_json(depth, i % 2 == 0),
            "application/json",
        );
    }
    for (kind, sample, ext, mime) in [
        ("broken CSV", CSV_CHAT, "csv", "text/csv"),
        ("broken SRT", SRT, "srt", "application/x-subrip"),
        ("broken VTT", VTT, "vtt", "text/vtt"),
        ("broken JSON", JSON_TURNS, "json", "application/json"),
        ("broken labelled text", KOREAN_CALL, "txt", "text/plain"),
    ] {
        for i in 0..80 {
            let bytes = mutate(sample, &mut rng);
            add(kind, format!("broken-{i}.{ext}"), bytes, mime);
        }
    }
    let heads = magic_heads();
    for i in 0..100 {
        let (format, head) = rng.pick(&heads).clone();
        let (name, bytes) = match i % 4 {
            // The right magic under a transcript's name.
            0 => (format!("magic-{format}-{i}.txt"), head),
            // Magic followed by transcript text.
            1 => {
                let mut bytes = head;
                bytes.extend_from_slice(KOREAN_CALL.as_bytes());
                let ext = *rng.pick(&text_names);
                (format!("magic-{format}-{i}.{ext}"), bytes)
            }
            // Transcript text named as audio, video or an image.
            2 => {
                let ext = *rng.pick(&["wav", "mp3", "mp4", "png", "zip", "webm"]);
                (
                    format!("text-as-{i}.{ext}"),
                    KOREAN_CALL.as_bytes().to_vec(),
                )
            }
            // Truncated magic.
            _ => {
                let cut = 1 + rng.below(head.len().min(12));
                (format!("short-{format}-{i}.{format}"), head[..cut].to_vec())
            }
        };
        let mime = *rng.pick(&[
            "text/plain",
            "audio/wav",
            "image/png",
            "application/octet-stream",
        ]);
        add("wrong magic", name, bytes, mime);
    }
    for (i, name) in HOSTILE_NAMES.iter().enumerate() {
        for (j, body) in [KOREAN_CALL, CSV_CHAT, "garbage \u{0}\u{1}\u{2}"]
            .iter()
            .enumerate()
        {
            add(
                "hostile name",
                (*name).to_owned(),
                body.as_bytes().to_vec(),
                "text/plain",
            );
            let long = format!("{}{}", "../".repeat(50 + i + j), "x".repeat(300));
            if j == 0 {
                add("hostile name", long, body.as_bytes().to_vec(), "text/plain");
            }
        }
    }
    for i in 0..20 {
        let name = HOSTILE_NAMES
            .get(i)
            .map_or_else(|| format!("empty-{i}.txt"), |n| (*n).to_owned());
        add("0-byte file", name, Vec::new(), "text/plain");
    }
    for i in 0..80 {
        // Transcript-like soup: labels, clocks, cue arrows, braces, emoji, BOMs.
        const PIECES: &[&str] = &[
            "상담원",
            "고객",
            "Agent",
            ":",
            "：",
            " ",
            "\n",
            "[",
            "]",
            "00:00:05",
            "-->",
            "WEBVTT",
            "<v Agent>",
            "{",
            "}",
            "\"",
            ",",
            "😀",
            "\u{FEFF}",
            "\u{0}",
            "e\u{301}",
            "\r",
            "\t",
            "speaker,text\n",
            "시간,화자,내용\n",
            "2024년 1월 5일 오후 2:30, 김민수 : ",
        ];
        let len = rng.below(300);
        let text: String = (0..len).map(|_| *rng.pick(PIECES)).collect();
        let name = format!("soup-{i}.{}", rng.pick(&text_names));
        add("transcript soup", name, text.into_bytes(), "text/plain");
    }
    cases
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// Waits until no consultation is pending or processing; returns every row.
async fn wait_until_all_finished(app: &TestApp, deadline: Duration) -> Vec<consultations::Model> {
    let started = Instant::now();
    loop {
        let rows = consultations::Entity::find()
            .all(&app.db)
            .await
            .unwrap_or_else(|e| panic!("listing consultations: {e}"));
        let unfinished = rows
            .iter()
            .filter(|r| r.status != "completed" && r.status != "failed")
            .count();
        if unfinished == 0 {
            return rows;
        }
        assert!(
            started.elapsed() < deadline,
            "{unfinished} of {} accepted uploads never finished",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_malformed_uploads_cause_no_server_error_no_panic_and_no_unfinished_job() {
    let app = spawn_app(Db::Sqlite).await;
    let token = app.counselor_token("fuzz@example.com").await;
    let cases = generate_cases();
    assert!(cases.len() >= 1_000, "only {} cases", cases.len());
    let started = Instant::now();

    let outcomes: Vec<(usize, u16, Value)> = stream::iter(cases.iter().enumerate())
        .map(|(index, case)| {
            let (app, token) = (&app, token.as_str());
            async move {
                let file = UploadFile {
                    name: &case.name,
                    bytes: case.bytes.clone(),
                    mime: case.mime,
                };
                let (status, body) = app.upload(Some(token), file).await;
                (index, status, body)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;

    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut accepted: BTreeMap<String, &Case> = BTreeMap::new();
    for (index, status, body) in &outcomes {
        let case = &cases[*index];
        let what = format!(
            "case {index} ({}, name {:?}, {} bytes)",
            case.kind,
            case.name,
            case.bytes.len()
        );
        assert!(*status < 500, "{what}: HTTP {status}: {body}");
        let code = error_code(body);
        assert_ne!(code, "INTERNAL", "{what}: {body}");
        match body["data"]["uploadConsultation"]["id"].as_str() {
            Some(id) if code.is_empty() => {
                accepted.insert(id.to_owned(), case);
                *codes.entry("ACCEPTED".into()).or_default() += 1;
            }
            _ => {
                assert!(
                    *status >= 400 || !code.is_empty(),
                    "{what}: neither accepted nor a coded error: {body}"
                );
                *codes
                    .entry(if code.is_empty() {
                        format!("HTTP {status}")
                    } else {
                        code.to_owned()
                    })
                    .or_default() += 1;
            }
        }
    }
    let uploaded_in = started.elapsed();

    let rows = wait_until_all_finished(&app, Duration::from_secs(120)).await;
    assert_eq!(
        rows.len(),
        accepted.len(),
        "every accepted upload has exactly one row"
    );
    let mut finished: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let case = accepted
            .get(&row.id)
            .unwrap_or_else(|| panic!("row {} was not an accepted upload", row.id));
        let what = format!("{} ({}, name {:?})", row.id, case.kind, case.name);
        let outcome = match row.status.as_str() {
            "completed" => "COMPLETED".to_owned(),
            _ => {
                let code = row.failure_code.clone().unwrap_or_default();
                assert!(
                    STABLE_FAILURE_CODES.contains(&code.as_str()),
                    "{what}: failed with unstable code {code:?}"
                );
                code
            }
        };
        *finished.entry(outcome).or_default() += 1;
        let key = &row.storage_key;
        let name = case.name.trim();
        assert!(
            name.chars().count() < 3 || !key.contains(name),
            "{what}: key {key:?} contains the client's file name"
        );
        assert!(
            !key.contains("..") && !key.contains('\\') && !key.starts_with('/'),
            "{what}: unsafe key {key:?}"
        );
        assert!(!key.chars().any(char::is_control), "{what}: key {key:?}");
        assert!(
            !row.original_name.chars().any(char::is_control),
            "{what}: stored name {:?} keeps control characters",
            row.original_name
        );
    }
    eprintln!(
        "{} malformed uploads in {uploaded_in:?} (all finished after {:?}): responses {codes:?}, finished jobs {finished:?}",
        cases.len(),
        started.elapsed()
    );
}

async fn upload_error(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    mime: &str,
) -> (String, String) {
    let (status, body) = app
        .upload(Some(token), UploadFile { name, bytes, mime })
        .await;
    assert!(status < 500, "{status}: {body}");
    (
        error_code(&body).to_owned(),
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

db_tests! {
    async fn audio_and_video_uploads_are_refused_while_speech_recognition_is_off(db: Db) {
        let app = spawn_app_with(db, |s| s.speech.engine = SpeechEngineKind::None).await;
        let token = app.counselor_token("kim@example.com").await;
        let heads = magic_heads();
        for (format, detected) in [("wav", "audio/wav"), ("mp3", "audio/mpeg"), ("flac", "audio/flac"), ("mp4", "video/mp4"), ("webm", "video/webm")] {
            let head = heads.iter().find(|(f, _)| *f == format).map(|(_, h)| h.clone()).unwrap_or_default();
            let (code, message) = upload_error(&app, &token, &format!("call.{format}"), head, "application/octet-stream").await;
            assert_eq!(code, "UNSUPPORTED_FILE_TYPE", "{format}");
            assert!(message.contains(detected), "{format}: {message}");
            assert!(message.contains("음성 인식이 꺼져"), "{format}: {message}");
        }
        let list = app.graphql(Some(&token), "{ consultations { id } }", serde_json::json!({})).await;
        assert_eq!(list["data"]["consultations"], serde_json::json!([]), "nothing refused is kept");
    }

    async fn a_recording_that_is_only_a_header_is_accepted_then_fails_with_media_decode_failed(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let heads = magic_heads();
        for format in ["wav", "mp3", "flac", "mp4", "webm"] {
            let head = heads.iter().find(|(f, _)| *f == format).map(|(_, h)| h.clone()).unwrap_or_default();
            let (status, body) = app
                .upload(Some(&token), UploadFile { name: &format!("call.{format}"), bytes: head, mime: "application/octet-stream" })
                .await;
            let id = body["data"]["uploadConsultation"]["id"].as_str().unwrap_or_else(|| panic!("{format} ({status}): {body}")).to_owned();
            let terminal = app.wait_for_terminal(&token, &id).await;
            assert_eq!(terminal["status"], "FAILED", "{format}: {terminal}");
            assert_eq!(terminal["failureCode"], "MEDIA_DECODE_FAILED", "{format}: {terminal}");
        }
    }

    async fn content_with_the_wrong_magic_is_rejected_naming_what_it_is(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let heads = magic_heads();
        for (format, name, detected) in [("png", "call.wav", "image/png"), ("zip", "transcript.txt", "application/zip"), ("pdf", "chat.csv", "application/pdf"), ("gzip", "subs.srt", "application/gzip")] {
            let head = heads.iter().find(|(f, _)| *f == format).map(|(_, h)| h.clone()).unwrap_or_default();
            let (code, message) = upload_error(&app, &token, name, head, "text/plain").await;
            assert_eq!(code, "UNSUPPORTED_FILE_TYPE", "{name}");
            assert!(message.contains(detected), "{name}: {message}");
            assert!(!message.contains("음성 인식"), "{name}: {message}");
        }
    }

    async fn a_path_traversal_file_name_is_kept_out_of_the_storage_key(db: Db) {
        let app = spawn_app(db).await;
        let token = app.counselor_token("kim@example.com").await;
        let id = app.upload_text(&token, "../../etc/passwd", KOREAN_CALL).await;
        let terminal = app.wait_for_terminal(&token, &id).await;
        assert_eq!(terminal["status"], "COMPLETED", "{terminal}");
        let row = consultations::Entity::find_by_id(id.clone())
            .one(&app.db)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("row {id} is missing"));
        assert!(!row.storage_key.contains("passwd") && !row.storage_key.contains(".."), "{}", row.storage_key);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_binary_file_named_txt_is_refused_as_what_it_is_and_leaves_nothing_behind() {
    let app = tests::spawn_app_with(tests::Db::Sqlite, |s| {
        s.limits.max_upload_bytes = 128 * 1024 * 1024;
    })
    .await;
    let token = app.counselor_token("kim@example.com").await;
    // 100 MB of pseudo-random bytes behind a ZIP header: binary through and through.
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    bytes.reserve(100 * 1024 * 1024);
    while bytes.len() < 100 * 1024 * 1024 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    let (code, message) = upload_error(&app, &token, "통화기록.txt", bytes, "text/plain").await;
    assert_eq!(code, "UNSUPPORTED_FILE_TYPE", "{message}");
    assert!(
        message.contains("zip"),
        "the detected type is named: {message}"
    );
    let rows = consultations::Entity::find()
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(rows.is_empty(), "nothing was accepted");
    let stored: u64 = walk_files(&app.settings.storage.data_dir.join("files"));
    assert_eq!(stored, 0, "no partial file is left in storage");
}

/// Total bytes of the files under `dir` (0 when it does not exist).
fn walk_files(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| {
                let path = entry.path();
                if path.is_dir() {
                    walk_files(&path)
                } else {
                    entry.metadata().map_or(0, |m| m.len())
                }
            })
            .sum()
    })
}
