//! Voice activity detection with `earshot` (a small pure-Rust neural VAD working on 16 ms frames
//! at 16 kHz), and the timing metrics it yields.
//!
//! Two different uses, two different tolerances:
//! * [`speech_regions`]: where someone talks, tightly (for talk time, dead air and overlaps);
//! * [`transcription_windows`]: what speech-to-text is given — the regions padded generously and
//!   joined across short pauses, so only long silences are skipped and no word start is cut.

use serde::{Deserialize, Serialize};

use super::decode::TARGET_RATE;

/// Samples per VAD frame (16 ms at 16 kHz), what earshot requires.
pub const FRAME: usize = 256;
/// Milliseconds per frame.
const FRAME_MS: u64 = 16;
/// Score at or above which a frame is speech.
const THRESHOLD: f32 = 0.5;
/// Pauses shorter than this inside speech are still speech (between words).
const JOIN_MS: u64 = 300;
/// Speech shorter than this is noise (a click, a cough).
const MIN_SPEECH_MS: u64 = 120;
/// Padding added before and after each region given to speech-to-text.
const WINDOW_PAD_MS: u64 = 600;
/// Silences shorter than this are kept inside one speech-to-text window.
const WINDOW_JOIN_MS: u64 = 2_000;
/// A silence at least this long between two people's speech is dead air.
pub const DEAD_AIR_MS: u64 = 3_000;
/// An overlap at least this long counts as an interruption.
const INTERRUPTION_MS: u64 = 500;

/// A stretch of time, in milliseconds from the start of the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start.
    pub start_ms: u64,
    /// End (exclusive).
    pub end_ms: u64,
}

impl Span {
    /// Length in milliseconds.
    pub fn len_ms(&self) -> u64 {
        self.end_ms.saturating_sub(self.start_ms)
    }
}

/// Where someone speaks in one channel.
pub fn speech_regions(samples: &[f32]) -> Vec<Span> {
    let frames = frame_scores(samples);
    let floor = level_floor(&frames);
    regions_of(
        frames
            .iter()
            .map(|f| f.voice >= THRESHOLD && f.rms >= floor),
    )
}

/// Frames quieter than this below the channel's speaking level (its 99th-percentile frame level)
/// are not talk, whatever the detector says: on upsampled 8 kHz telephone audio the detector fires
/// on line noise between words (measured on the AWS call in `eval/`: 131 s of "speech" on a channel
/// with 96 s of it, 99 s with this floor).
const FLOOR_RATIO: f32 = 0.01;

/// The level floor of a channel (see [`FLOOR_RATIO`]).
fn level_floor(frames: &[Frame]) -> f32 {
    let mut levels: Vec<f32> = frames.iter().map(|f| f.rms).collect();
    levels.sort_by(f32::total_cmp);
    let index = levels.len().saturating_sub(1) * 99 / 100;
    levels.get(index).copied().unwrap_or(0.0) * FLOOR_RATIO
}

/// Where each party of a stereo call speaks. Telephone channels leak: the other party is heard
/// faintly on each side, loud enough for a voice detector. A frame is speech on a channel only
/// when that channel is not more than 15 dB quieter than the other (real overlaps have comparable
/// levels; leaks are far quieter).
pub fn stereo_regions(first: &[f32], second: &[f32]) -> [Vec<Span>; 2] {
    let a = frame_scores(first);
    let b = frame_scores(second);
    let quiet =
        |x: &Frame, other: Option<&Frame>| other.is_some_and(|o| x.rms < o.rms * LEAK_RATIO);
    let (floor_a, floor_b) = (level_floor(&a), level_floor(&b));
    [
        regions_of(
            a.iter()
                .enumerate()
                .map(|(i, f)| f.voice >= THRESHOLD && f.rms >= floor_a && !quiet(f, b.get(i))),
        ),
        regions_of(
            b.iter()
                .enumerate()
                .map(|(i, f)| f.voice >= THRESHOLD && f.rms >= floor_b && !quiet(f, a.get(i))),
        ),
    ]
}

/// Amplitude ratio (−15 dB) below which a channel's frame is taken as the other side leaking.
const LEAK_RATIO: f32 = 0.178;

/// One VAD frame: earshot's voice score and the frame's level.
struct Frame {
    voice: f32,
    rms: f32,
}

fn frame_scores(samples: &[f32]) -> Vec<Frame> {
    let mut detector = earshot::Detector::default();
    let mut frame = [0.0f32; FRAME];
    samples
        .chunks(FRAME)
        .map(|chunk| {
            frame[..chunk.len()].copy_from_slice(chunk);
            frame[chunk.len()..].fill(0.0);
            let energy: f32 = frame.iter().map(|s| s * s).sum();
            #[allow(clippy::cast_precision_loss)]
            let rms = (energy / FRAME as f32).sqrt();
            Frame {
                voice: detector.predict_f32(&frame),
                rms,
            }
        })
        .collect()
}

/// Speech frames → regions: pauses under 300 ms joined, blips under 120 ms dropped.
fn regions_of(speech: impl Iterator<Item = bool>) -> Vec<Span> {
    let mut regions: Vec<Span> = Vec::new();
    for (i, is_speech) in speech.enumerate() {
        if !is_speech {
            continue;
        }
        let start_ms = i as u64 * FRAME_MS;
        let end_ms = start_ms + FRAME_MS;
        match regions.last_mut() {
            Some(last) if start_ms <= last.end_ms + JOIN_MS => last.end_ms = end_ms,
            _ => regions.push(Span { start_ms, end_ms }),
        }
    }
    regions.retain(|r| r.len_ms() >= MIN_SPEECH_MS);
    regions
}

/// The windows of a channel given to speech-to-text: speech regions padded by 600 ms and joined
/// across silences under 2 s, clamped to the recording; a window longer than Whisper's 30 s is
/// split in pauses into as few windows of at most 30 s as possible (see `split_long`), so Whisper
/// never cuts a word at its own 30 s boundary, pays no extra 30 s encoder pass for a short
/// remainder, nor transcribes a near-empty tail of padding (where it invents a closing "감사합니다.").
pub fn transcription_windows(regions: &[Span], duration_ms: u64) -> Vec<Span> {
    let mut windows: Vec<Span> = Vec::new();
    for region in regions {
        let start_ms = region.start_ms.saturating_sub(WINDOW_PAD_MS);
        let end_ms = (region.end_ms + WINDOW_PAD_MS).min(duration_ms);
        match windows.last_mut() {
            Some(last) if start_ms <= last.end_ms + WINDOW_JOIN_MS => {
                last.end_ms = last.end_ms.max(end_ms);
            }
            _ => windows.push(Span { start_ms, end_ms }),
        }
    }
    windows
        .into_iter()
        .flat_map(|window| split_long(window, regions))
        .collect()
}

/// Whisper's window.
const WHISPER_WINDOW_MS: u64 = 30_000;
/// A pause this long is a clear place to split a long window.
const CLEAR_PAUSE_MS: u64 = 500;
/// A window shorter than this, split off a long one, is avoided when another split is as good
/// (Whisper invents closing phrases on short tails).
const SHORT_WINDOW_MS: u64 = 10_000;

/// A place where a long window may be split.
#[derive(Debug, Clone, Copy)]
struct Cut {
    at_ms: u64,
    /// 0 in a clear pause, 1 in a short pause, 2 in the middle of speech.
    weakness: u32,
    pause_ms: u64,
}

/// Splits a window longer than 30 s at pauses between `regions` (see [`transcription_windows`]).
///
/// Whisper's encoder costs a full 30 s pass per window whatever its length, so the split uses as
/// few windows as possible; among those, it cuts in clear pauses (≥ 0.5 s) rather than short ones,
/// and in speech only where no pause is within 30 s; then avoids short windows; then prefers
/// longer pauses. A dynamic programme over the pauses finds that split.
fn split_long(window: Span, regions: &[Span]) -> Vec<Span> {
    if window.len_ms() <= WHISPER_WINDOW_MS {
        return vec![window];
    }
    let inside = |at: u64| at > window.start_ms && at < window.end_ms;
    let mut points: Vec<Cut> = vec![Cut {
        at_ms: window.start_ms,
        weakness: 0,
        pause_ms: 0,
    }];
    let pauses = regions
        .windows(2)
        .filter(|pair| pair[1].start_ms > pair[0].end_ms)
        .map(|pair| {
            let pause_ms = pair[1].start_ms - pair[0].end_ms;
            Cut {
                at_ms: pair[0].end_ms + pause_ms / 2,
                weakness: u32::from(pause_ms < CLEAR_PAUSE_MS),
                pause_ms,
            }
        })
        .filter(|cut| inside(cut.at_ms));
    for cut in pauses.chain(std::iter::once(Cut {
        at_ms: window.end_ms,
        weakness: 0,
        pause_ms: 0,
    })) {
        // Cuts in speech wherever no pause is within Whisper's window.
        while let Some(last) = points.last().copied()
            && cut.at_ms - last.at_ms > WHISPER_WINDOW_MS
        {
            points.push(Cut {
                at_ms: last.at_ms + WHISPER_WINDOW_MS,
                weakness: 2,
                pause_ms: 0,
            });
        }
        points.push(cut);
    }
    // best[i]: the cost of splitting from points[i] to the end, and the next cut.
    type Cost = (u32, u32, u32, i64);
    let n = points.len();
    let mut best: Vec<Option<(Cost, usize)>> = vec![None; n];
    best[n - 1] = Some(((0, 0, 0, 0), n - 1));
    for i in (0..n - 1).rev() {
        for j in i + 1..n {
            let length = points[j].at_ms - points[i].at_ms;
            if length > WHISPER_WINDOW_MS {
                break;
            }
            let Some(((windows, weakness, short, pauses), _)) = best[j] else {
                continue;
            };
            let is_end = j == n - 1;
            let cost = (
                windows + 1,
                weakness + if is_end { 0 } else { points[j].weakness },
                short + u32::from(length < SHORT_WINDOW_MS),
                pauses - i64::try_from(points[j].pause_ms).unwrap_or(i64::MAX),
            );
            if best[i].is_none_or(|(current, _)| cost < current) {
                best[i] = Some((cost, j));
            }
        }
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < n - 1 {
        let Some((_, next)) = best[i] else { break };
        parts.push(Span {
            start_ms: points[i].at_ms,
            end_ms: points[next].at_ms,
        });
        i = next;
    }
    parts
}

/// Speech a transcribed segment must overlap to be kept: Whisper invents text (often "감사합니다."
/// or "Thank you.") for the near-silent tail of a window, which the voice detector knows is silent.
const MIN_SEGMENT_SPEECH_MS: u64 = 120;

/// Whether the segment `span` overlaps the channel's speech `regions` enough to be real speech.
pub fn is_heard(regions: &[Span], span: &Span) -> bool {
    let heard = overlap(regions, std::slice::from_ref(span));
    heard >= MIN_SEGMENT_SPEECH_MS.min(span.len_ms() / 3).max(1)
}

/// The sample indices of a window in a channel of `samples` samples.
pub fn window_range(samples: usize, window: &Span) -> std::ops::Range<usize> {
    let at = |ms: u64| usize::try_from(ms * u64::from(TARGET_RATE) / 1000).unwrap_or(usize::MAX);
    let start = at(window.start_ms).min(samples);
    let end = at(window.end_ms).clamp(start, samples);
    start..end
}

/// Timing measured on the recording itself (not on the transcript).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Length of the recording.
    pub duration_ms: u64,
    /// Time the agent speaks.
    pub agent_talk_ms: u64,
    /// Time the customer speaks (`None` on a mono recording, where voices are not separated).
    pub customer_talk_ms: Option<u64>,
    /// Silences of 3 s or more between the first and the last speech, summed.
    pub dead_air_ms: u64,
    /// The longest silence between the first and the last speech.
    pub longest_silence_ms: u64,
    /// Time both speak at once (stereo only).
    pub overlap_ms: Option<u64>,
    /// Times the agent started speaking over the customer for at least 0.5 s (stereo only).
    pub agent_interruptions: Option<u32>,
    /// Times the customer started speaking over the agent for at least 0.5 s (stereo only).
    pub customer_interruptions: Option<u32>,
}

/// Timing of a stereo call: agent and customer regions from their own channels.
pub fn stereo_timing(agent: &[Span], customer: &[Span], duration_ms: u64) -> Timing {
    let all = union(agent, customer);
    let (dead_air_ms, longest_silence_ms) = silences(&all);
    Timing {
        duration_ms,
        agent_talk_ms: agent.iter().map(Span::len_ms).sum(),
        customer_talk_ms: Some(customer.iter().map(Span::len_ms).sum()),
        dead_air_ms,
        longest_silence_ms,
        overlap_ms: Some(overlap(agent, customer)),
        agent_interruptions: Some(interruptions(agent, customer)),
        customer_interruptions: Some(interruptions(customer, agent)),
    }
}

/// Timing of a mono recording: speech time is the agent's and the customer's together, counted
/// as the agent's only through the transcript turns (see `assemble`); here, all speech.
pub fn mono_timing(speech: &[Span], duration_ms: u64) -> Timing {
    let (dead_air_ms, longest_silence_ms) = silences(speech);
    Timing {
        duration_ms,
        agent_talk_ms: speech.iter().map(Span::len_ms).sum(),
        customer_talk_ms: None,
        dead_air_ms,
        longest_silence_ms,
        overlap_ms: None,
        agent_interruptions: None,
        customer_interruptions: None,
    }
}

/// The time covered by either list of regions, as sorted disjoint spans.
fn union(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut all: Vec<Span> = a.iter().chain(b).copied().collect();
    all.sort_by_key(|s| s.start_ms);
    let mut merged: Vec<Span> = Vec::with_capacity(all.len());
    for span in all {
        match merged.last_mut() {
            Some(last) if span.start_ms <= last.end_ms => {
                last.end_ms = last.end_ms.max(span.end_ms)
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// (dead air: gaps ≥ 3 s summed, the longest gap) between sorted disjoint regions.
fn silences(regions: &[Span]) -> (u64, u64) {
    regions
        .windows(2)
        .map(|pair| pair[1].start_ms.saturating_sub(pair[0].end_ms))
        .fold((0, 0), |(dead, longest), gap| {
            (
                dead + if gap >= DEAD_AIR_MS { gap } else { 0 },
                longest.max(gap),
            )
        })
}

/// Time where both lists of sorted regions overlap.
fn overlap(a: &[Span], b: &[Span]) -> u64 {
    let mut total = 0;
    let mut j = 0;
    for x in a {
        while j < b.len() && b[j].end_ms <= x.start_ms {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].start_ms < x.end_ms {
            let start = x.start_ms.max(b[k].start_ms);
            let end = x.end_ms.min(b[k].end_ms);
            total += end.saturating_sub(start);
            k += 1;
        }
    }
    total
}

/// Times a region of `who` starts while `other` is speaking and overlaps it for ≥ 0.5 s.
fn interruptions(who: &[Span], other: &[Span]) -> u32 {
    let count = who
        .iter()
        .filter(|x| {
            other.iter().any(|o| {
                o.start_ms < x.start_ms
                    && x.start_ms < o.end_ms
                    && o.end_ms.min(x.end_ms) - x.start_ms >= INTERRUPTION_MS
            })
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start_ms: u64, end_ms: u64) -> Span {
        Span { start_ms, end_ms }
    }

    #[test]
    fn silence_has_no_speech_regions_and_no_windows() {
        let silence = vec![0.0; TARGET_RATE as usize * 3];
        let regions = speech_regions(&silence);
        assert!(regions.is_empty(), "{regions:?}");
        assert!(transcription_windows(&regions, 3_000).is_empty());
    }

    #[test]
    fn windows_pad_speech_and_skip_only_long_silences() {
        let regions = [span(1_000, 2_000), span(3_000, 4_000), span(20_000, 21_000)];
        let windows = transcription_windows(&regions, 21_200);
        assert_eq!(windows, vec![span(400, 4_600), span(19_400, 21_200)]);
    }

    #[test]
    fn stereo_timing_measures_talk_dead_air_overlap_and_interruptions() {
        let agent = [span(0, 4_000), span(10_000, 12_000)];
        let customer = [span(3_000, 6_000), span(11_800, 15_000)];
        let t = stereo_timing(&agent, &customer, 16_000);
        assert_eq!(t.agent_talk_ms, 6_000);
        assert_eq!(t.customer_talk_ms, Some(6_200));
        // 6 s → 10 s is the only silence, and it is dead air.
        assert_eq!((t.dead_air_ms, t.longest_silence_ms), (4_000, 4_000));
        assert_eq!(t.overlap_ms, Some(1_200));
        // The customer came in over the agent at 3 s for 1 s; 11.8 s overlaps only 0.2 s.
        assert_eq!(t.customer_interruptions, Some(1));
        assert_eq!(t.agent_interruptions, Some(0));
    }

    #[test]
    fn a_window_over_30_seconds_is_split_in_its_longest_pause() {
        let regions = [span(100, 9_150), span(10_000, 17_700), span(18_600, 30_350)];
        let windows = transcription_windows(&regions, 30_385);
        assert_eq!(windows, vec![span(0, 18_150), span(18_150, 30_385)]);
        // Without pauses, at Whisper's 30 s.
        let windows = transcription_windows(&[span(0, 70_000)], 70_000);
        assert_eq!(
            windows,
            vec![span(0, 30_000), span(30_000, 60_000), span(60_000, 70_000)]
        );
    }

    #[test]
    fn a_long_window_is_split_into_as_few_windows_as_possible_in_clear_pauses() {
        // 111 s of read speech, a 0.8 s pause every 7 s: four windows, not the five that cutting
        // at the latest pause before 30 s gives (27.6 + 27.6 + 27.6 + 27.6 + 0.9 s).
        let regions: Vec<Span> = (0..16)
            .map(|k| span(k * 7_000, k * 7_000 + 6_200))
            .collect();
        let windows = transcription_windows(&regions, 111_500);
        assert_eq!(windows.len(), 4, "{windows:?}");
        assert!(windows.iter().all(|w| w.len_ms() <= 30_000), "{windows:?}");
        for pair in windows.windows(2) {
            assert_eq!(pair[0].end_ms, pair[1].start_ms);
            assert_eq!(pair[0].end_ms % 7_000, 6_600, "cut in a pause: {windows:?}");
        }
        // A short pause is taken over speech, a clear one over a short one.
        let regions = [span(0, 20_000), span(20_300, 35_000)];
        assert_eq!(
            transcription_windows(&regions, 35_000),
            vec![span(0, 20_150), span(20_150, 35_000)]
        );
        let regions = [span(0, 14_000), span(14_300, 20_000), span(21_000, 35_000)];
        assert_eq!(
            transcription_windows(&regions, 35_000),
            vec![span(0, 20_500), span(20_500, 35_000)]
        );
    }

    #[test]
    fn a_segment_over_silence_is_not_heard() {
        let regions = [span(0, 29_900)];
        assert!(is_heard(&regions, &span(28_000, 30_000)));
        assert!(!is_heard(&regions, &span(30_000, 30_385)));
        assert!(!is_heard(&[], &span(0, 1_000)));
    }

    #[test]
    fn a_window_clamps_to_the_samples() {
        assert_eq!(window_range(16_000, &span(500, 5_000)), 8_000..16_000);
        assert!(window_range(16_000, &span(5_000, 6_000)).is_empty());
    }
}
