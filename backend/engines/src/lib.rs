//! Consult Coach's engines: components that run a model, each configured by its own settings
//! struct and knowing nothing of the database or the HTTP server.
//!
//! * [`speech`]: speech-to-text for recordings (embedded whisper.cpp, or an HTTP provider).
//! * [`llm`]: the language-model providers that refine the offline analyzer's report.
//!
//! Provider calls are described to a [`llm::calls::CallRecorder`] the application supplies.

pub mod llm;
pub mod speech;
