//! Settings of the transcript reader (`[ingest]`).

use serde::Deserialize;
use shared::settings::{InvalidSetting, invalid};

/// How uploaded transcripts are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestSettings {
    /// Speaker labels that name the counselor, matched case-insensitively on the label or its
    /// first word; replaces the built-in list (상담원, 상담사, 직원, agent, rep, …)
    /// (`CONSULT_COACH__INGEST__AGENT_ALIASES`, comma-separated).
    pub agent_aliases: Vec<String>,
    /// Speaker labels that name the customer; replaces the built-in list (고객, 손님, customer,
    /// caller, …) (`CONSULT_COACH__INGEST__CUSTOMER_ALIASES`, comma-separated).
    pub customer_aliases: Vec<String>,
}

impl Default for IngestSettings {
    fn default() -> Self {
        let aliases = super::transcript::SpeakerAliases::default();
        Self {
            agent_aliases: aliases.agent,
            customer_aliases: aliases.customer,
        }
    }
}

impl IngestSettings {
    /// The aliases the transcript parser uses (trimmed).
    pub fn speaker_aliases(&self) -> super::transcript::SpeakerAliases {
        let clean = |list: &[String]| list.iter().map(|a| a.trim().to_owned()).collect();
        super::transcript::SpeakerAliases {
            agent: clean(&self.agent_aliases),
            customer: clean(&self.customer_aliases),
        }
    }

    /// Checks every value.
    ///
    /// Errors: the first [`InvalidSetting`] found.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        let aliases = self.speaker_aliases();
        for (key, list) in [
            ("ingest.agent_aliases", &aliases.agent),
            ("ingest.customer_aliases", &aliases.customer),
        ] {
            if list.is_empty() {
                return Err(invalid(key, "needs at least one label"));
            }
            if list
                .iter()
                .any(|a| a.is_empty() || a.chars().count() > 40 || a.contains(['\n', ':']))
            {
                return Err(invalid(
                    key,
                    "labels must be 1-40 characters without line breaks or ':'",
                ));
            }
        }
        let lower = |a: &String| a.to_lowercase();
        if let Some(both) = aliases
            .agent
            .iter()
            .find(|a| aliases.customer.iter().map(lower).any(|c| c == lower(a)))
        {
            return Err(invalid(
                "ingest.customer_aliases",
                &format!("'{both}' is also an agent alias"),
            ));
        }
        Ok(())
    }
}
