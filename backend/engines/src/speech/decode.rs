//! Recordings → 16 kHz mono `f32` samples per channel: symphonia demuxes and decodes the first
//! audio track (of an audio file or a video's container), rubato's FFT resampler converts the rate.
//!
//! Stereo stays two channels: a call-centre recording normally has the agent on one side and the
//! customer on the other. A "stereo" file whose channels are identical is a mono recording and is
//! returned as one channel. More than two channels are mixed down to one.

use std::io::Cursor;

use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

/// The sample rate speech-to-text and voice activity detection work at.
pub const TARGET_RATE: u32 = 16_000;

/// A decoded recording.
#[derive(Debug, Clone)]
pub struct DecodedAudio {
    /// One or two channels of [`TARGET_RATE`] samples in `[-1, 1]`.
    pub channels: Vec<Vec<f32>>,
    /// The sample rate of the file.
    pub source_rate: u32,
    /// Channels in the file (before identical channels were merged or more than two mixed).
    pub source_channels: usize,
}

impl DecodedAudio {
    /// Duration in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        let frames = self.channels.first().map_or(0, Vec::len) as u64;
        frames * 1000 / u64::from(TARGET_RATE)
    }

    /// Whether the agent and the customer are on separate channels.
    pub fn is_stereo(&self) -> bool {
        self.channels.len() == 2
    }

    /// The channels mixed into one.
    pub fn mixed(&self) -> Vec<f32> {
        mix(&self.channels)
    }
}

/// Why a recording could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The container or codec could not be read.
    #[error("the recording could not be decoded: {0}")]
    Undecodable(String),
    /// The file (a video, usually) has no audio track.
    #[error("the recording has no audio track")]
    NoAudio,
    /// The audio ends before the length its header declares.
    #[error("the recording is cut off: {decoded_ms} ms of {declared_ms} ms")]
    Truncated {
        /// What could be decoded.
        decoded_ms: u64,
        /// What the header declares.
        declared_ms: u64,
    },
    /// Longer than the configured maximum.
    #[error("the recording is longer than {max_minutes} minutes")]
    TooLong {
        /// The maximum.
        max_minutes: u64,
    },
}

/// A share of the declared length that may be missing before a file counts as cut off (encoder
/// padding and rounded headers make the declared length approximate).
const TRUNCATION_TOLERANCE: f64 = 0.05;

/// Decodes the first audio track of `bytes` (`extension` is only a hint for the probe).
///
/// `max_ms` bounds the work: decoding stops with [`DecodeError::TooLong`] past it.
pub fn decode_recording(
    bytes: Vec<u8>,
    extension: Option<&str>,
    max_ms: u64,
) -> Result<DecodedAudio, DecodeError> {
    decode_source(Box::new(Cursor::new(bytes)), extension, max_ms)
}

/// [`decode_recording`] of a file, read as decoding goes (a large video is never in memory).
pub fn decode_file(
    file: std::fs::File,
    extension: Option<&str>,
    max_ms: u64,
) -> Result<DecodedAudio, DecodeError> {
    decode_source(Box::new(file), extension, max_ms)
}

fn decode_source(
    source: Box<dyn MediaSource>,
    extension: Option<&str>,
    max_ms: u64,
) -> Result<DecodedAudio, DecodeError> {
    let undecodable = |e: SymphoniaError| DecodeError::Undecodable(e.to_string());
    let stream = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(extension) = extension {
        hint.with_extension(extension);
    }
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(undecodable)?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or(DecodeError::NoAudio)?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or(DecodeError::NoAudio)?
        .clone();
    let declared_frames = track.num_frames;
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(undecodable)?;

    let mut planes: Vec<Vec<f32>> = Vec::new();
    let mut scratch: Vec<Vec<f32>> = Vec::new();
    let mut rate = params.sample_rate.unwrap_or(0);
    let (mut packets, mut bad_packets) = (0usize, 0usize);
    let mut cut_short = false;
    loop {
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(SymphoniaError::IoError(_)) => {
                // The data stopped mid-packet: what was decoded stands, checked below.
                cut_short = true;
                break;
            }
            Err(SymphoniaError::DecodeError(_)) if !planes.is_empty() => {
                cut_short = true;
                break;
            }
            Err(e) => return Err(undecodable(e)),
        };
        if packet.track_id != track_id {
            continue;
        }
        packets += 1;
        match decoder.decode(&packet) {
            Ok(buffer) => {
                rate = buffer.spec().rate();
                buffer.copy_to_vecs_planar::<f32>(&mut scratch);
                if planes.is_empty() {
                    planes = vec![Vec::new(); scratch.len()];
                }
                for (plane, part) in planes.iter_mut().zip(&scratch) {
                    plane.extend_from_slice(part);
                }
            }
            Err(SymphoniaError::DecodeError(_)) => bad_packets += 1,
            Err(e) => return Err(undecodable(e)),
        }
        if rate > 0 {
            let decoded_ms = planes.first().map_or(0, Vec::len) as u64 * 1000 / u64::from(rate);
            if decoded_ms > max_ms {
                return Err(DecodeError::TooLong {
                    max_minutes: max_ms / 60_000,
                });
            }
        }
    }
    let frames = planes.first().map_or(0, Vec::len);
    if frames == 0 || rate == 0 {
        return Err(DecodeError::Undecodable(
            "no audio could be decoded".to_owned(),
        ));
    }
    if bad_packets * 10 > packets {
        return Err(DecodeError::Undecodable(format!(
            "{bad_packets} of {packets} packets are damaged"
        )));
    }
    let decoded_ms = frames as u64 * 1000 / u64::from(rate);
    if let Some(declared) = declared_frames.filter(|d| *d > 0) {
        let declared_ms = declared * 1000 / u64::from(rate);
        let missing = declared.saturating_sub(frames as u64) as f64 / declared as f64;
        if missing > TRUNCATION_TOLERANCE {
            return Err(DecodeError::Truncated {
                decoded_ms,
                declared_ms,
            });
        }
    } else if cut_short && bad_packets > 0 {
        return Err(DecodeError::Truncated {
            decoded_ms,
            declared_ms: decoded_ms,
        });
    }
    let source_channels = planes.len();
    let channels = match planes.len() {
        1 => planes,
        2 if identical(&planes[0], &planes[1]) => vec![planes.swap_remove(0)],
        2 => planes,
        _ => vec![mix(&planes)],
    };
    let channels = channels
        .into_iter()
        .map(|c| resample(c, rate))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DecodedAudio {
        channels,
        source_rate: rate,
        source_channels,
    })
}

/// Channels of samples in `[-1, 1]` as a 16-bit PCM WAV file (interleaved), for providers that
/// take files and for tests.
pub fn wav_bytes(rate: u32, channels: &[&[f32]]) -> Vec<u8> {
    let frames = channels.first().map_or(0, |c| c.len());
    let count = u16::try_from(channels.len()).unwrap_or(u16::MAX);
    let data_len = u32::try_from(frames * channels.len() * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + frames * channels.len() * 2);
    out.extend(b"RIFF");
    out.extend(data_len.saturating_add(36).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend((rate * u32::from(count) * 2).to_le_bytes());
    out.extend((count * 2).to_le_bytes());
    out.extend(16u16.to_le_bytes());
    out.extend(b"data");
    out.extend(data_len.to_le_bytes());
    for i in 0..frames {
        for channel in channels {
            let sample = channel.get(i).copied().unwrap_or(0.0);
            // Clamped to [-1, 1] first, so the product fits in i16.
            #[allow(clippy::cast_possible_truncation)]
            let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16;
            out.extend(value.to_le_bytes());
        }
    }
    out
}

/// Whether two channels carry the same signal (a mono recording stored as stereo).
fn identical(left: &[f32], right: &[f32]) -> bool {
    let energy: f64 = left.iter().map(|s| f64::from(s.abs())).sum();
    let difference: f64 = left
        .iter()
        .zip(right)
        .map(|(l, r)| f64::from((l - r).abs()))
        .sum();
    difference <= energy * 1e-3
}

/// The average of the channels.
fn mix(channels: &[Vec<f32>]) -> Vec<f32> {
    let Some(first) = channels.first() else {
        return Vec::new();
    };
    #[allow(clippy::cast_precision_loss)]
    let scale = 1.0 / channels.len() as f32;
    (0..first.len())
        .map(|i| {
            channels
                .iter()
                .map(|c| c.get(i).copied().unwrap_or(0.0))
                .sum::<f32>()
                * scale
        })
        .collect()
}

/// One channel from `rate` to [`TARGET_RATE`] with rubato's FFT resampler (the whole clip at
/// once: `process_all` trims the resampler's delay so timestamps stay aligned).
fn resample(samples: Vec<f32>, rate: u32) -> Result<Vec<f32>, DecodeError> {
    if rate == TARGET_RATE {
        return Ok(samples);
    }
    let failed = |e: &dyn std::fmt::Display| DecodeError::Undecodable(format!("resampling: {e}"));
    let mut resampler = Fft::<f32>::new(
        rate as usize,
        TARGET_RATE as usize,
        1024,
        1,
        FixedSync::Both,
    )
    .map_err(|e| failed(&e))?;
    let frames = samples.len();
    let input = [samples];
    let adapter = SequentialSliceOfVecs::new(&input, 1, frames).map_err(|e| failed(&e))?;
    let output = resampler
        .process_all(&adapter, frames, None)
        .map_err(|e| failed(&e))?;
    Ok(output.take_data())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = (rate as f32 * seconds) as usize;
        (0..n)
            .map(|i| (i as f32 / rate as f32 * hz * std::f32::consts::TAU).sin() * 0.5)
            .collect()
    }

    #[test]
    fn a_stereo_8khz_call_is_resampled_to_16khz_with_its_channels_kept_apart() {
        let left = tone(8_000, 440.0, 2.0);
        let right = vec![0.0; left.len()];
        let audio = decode_recording(wav_bytes(8_000, &[&left, &right]), Some("wav"), 60_000)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(audio.is_stereo());
        assert_eq!(audio.source_rate, 8_000);
        let frames = audio.channels[0].len();
        assert!((31_900..=32_100).contains(&frames), "{frames}");
        assert!((1_990..=2_010).contains(&audio.duration_ms()));
        let energy = |c: &[f32]| c.iter().map(|s| s * s).sum::<f32>() / c.len() as f32;
        assert!(energy(&audio.channels[0]) > 0.1);
        assert!(energy(&audio.channels[1]) < 1e-6);
    }

    #[test]
    fn a_stereo_file_with_identical_channels_is_one_mono_channel() {
        let left = tone(16_000, 300.0, 1.0);
        let audio = decode_recording(wav_bytes(16_000, &[&left, &left]), None, 60_000)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(audio.channels.len(), 1);
        assert_eq!(audio.source_channels, 2);
    }

    #[test]
    fn a_truncated_wav_fails_as_cut_off_and_garbage_fails_as_undecodable() {
        let full = wav_bytes(16_000, &[&tone(16_000, 300.0, 2.0)]);
        let cut = full[..full.len() / 2].to_vec();
        assert!(matches!(
            decode_recording(cut, Some("wav"), 60_000),
            Err(DecodeError::Truncated { .. })
        ));
        for garbage in [vec![], vec![0u8; 100], b"RIFF\0\0\0\0WAVE".to_vec()] {
            assert!(matches!(
                decode_recording(garbage, Some("wav"), 60_000),
                Err(DecodeError::Undecodable(_) | DecodeError::NoAudio)
            ));
        }
    }

    #[test]
    fn decoding_stops_at_the_configured_length() {
        let long = wav_bytes(16_000, &[&tone(16_000, 300.0, 3.0)]);
        assert_eq!(
            decode_recording(long, None, 1_000).err(),
            Some(DecodeError::TooLong { max_minutes: 0 })
        );
    }
}
