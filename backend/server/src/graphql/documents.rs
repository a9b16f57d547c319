//! Parsed GraphQL documents, kept by their text. Clients send the same few queries over and over
//! (the web app and call-centre integrations use fixed documents with variables), and parsing one
//! (async-graphql's pest grammar) cost about 4 % of a consultation detail's server time. A cached
//! document still goes through async-graphql's depth, directive, complexity and validation checks
//! on every request; only the parse is skipped.

use async_graphql::parser::types::ExecutableDocument;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// Documents kept, about (the bound that counts is [`MAX_TEXT_BYTES`]).
const DOCUMENTS: usize = 256;
/// Total query text of the kept documents. A parsed document takes a few times its text, so the
/// cache stays within a few MiB whatever clients send.
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Weighs a document by its query text.
#[derive(Debug, Clone, Copy)]
struct TextLength;

impl Weighter<String, ExecutableDocument> for TextLength {
    fn weight(&self, query: &String, _: &ExecutableDocument) -> u64 {
        query.len().max(1) as u64
    }
}

/// A bounded cache of parsed documents, shared by every HTTP worker.
pub struct DocumentCache(Cache<String, ExecutableDocument, TextLength>);

impl Default for DocumentCache {
    fn default() -> Self {
        Self(Cache::with_weighter(DOCUMENTS, MAX_TEXT_BYTES, TextLength))
    }
}

impl std::fmt::Debug for DocumentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentCache")
            .field("documents", &self.0.len())
            .finish()
    }
}

impl DocumentCache {
    /// The parsed document of `query`, from the cache or parsed now (and kept). `None` when it
    /// does not parse: async-graphql then reports the syntax error itself.
    pub fn document(&self, query: &str) -> Option<ExecutableDocument> {
        if let Some(document) = self.0.get(query) {
            return Some(document);
        }
        let document = async_graphql::parser::parse_query(query).ok()?;
        // A text over a quarter of the cache would evict most of what the cache holds.
        if (query.len() as u64) < MAX_TEXT_BYTES / 4 {
            self.0.insert(query.to_owned(), document.clone());
        }
        Some(document)
    }

    /// Attaches the parsed document of `request`'s query to it, so execution skips the parse.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if let Some(document) = self.document(&request.query) {
            request.set_parsed_query(document);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::DocumentOperations;

    #[test]
    fn a_query_parsed_once_is_served_from_the_cache_and_a_syntax_error_is_left_to_async_graphql() {
        let cache = DocumentCache::default();
        let query = "query Q($id: ID!) { consultation(id: $id) { id } }";
        let first = cache.document(query);
        assert!(
            matches!(
                first.as_ref().map(|d| &d.operations),
                Some(DocumentOperations::Multiple(ops)) if ops.contains_key("Q")
            ),
            "the named operation is parsed: {first:?}"
        );
        assert_eq!(cache.0.len(), 1);
        let again = cache.document(query);
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(cache.0.len(), 1, "the second lookup is a hit");
        assert!(cache.document("query { consultation(").is_none());
        assert_eq!(cache.0.len(), 1, "unparsable text is not kept");
    }

    #[test]
    fn the_cache_keeps_its_text_bound_however_many_distinct_queries_arrive() {
        let cache = DocumentCache::default();
        let filler = "x".repeat(1000);
        for i in 0..5_000 {
            let query = format!("query Q{i} {{ me {{ id }} }} # {filler}");
            assert!(cache.document(&query).is_some());
        }
        assert!(cache.0.weight() <= MAX_TEXT_BYTES, "{}", cache.0.weight());
        assert!(cache.0.len() < 5_000);
    }

    #[test]
    fn a_prepared_request_carries_its_parsed_document() {
        let cache = DocumentCache::default();
        let mut request = async_graphql::Request::new("{ me { id } }");
        cache.prepare(&mut request);
        assert!(request.parsed_query().is_ok());
        assert_eq!(cache.0.len(), 1);
    }
}
