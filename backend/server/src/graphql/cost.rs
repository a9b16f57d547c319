//! What a query may cost: each field's price (used by async-graphql's complexity count through
//! `#[graphql(complexity = …)]`), and [`QueryLimits`], the extension that enforces the limits with
//! stable codes:
//!
//! * `QUERY_TOO_COMPLEX`: the operation's cost is over `graphql.max_complexity`;
//! * `QUERY_TOO_DEEP`: it nests deeper than `graphql.max_depth`;
//! * `TOO_MANY_EXPENSIVE_FIELDS`: one of the [`EXPENSIVE_FIELDS`] appears more than
//!   `graphql.max_expensive_aliases` times in one operation (aliases, fragments spread several
//!   times). This is counted on the parsed document, before async-graphql's validation, so an
//!   abusive document is refused before any validation work.
//!
//! A price is in units of about one plain field; a field that runs a small database query of its
//! own costs [`QUERY`]. A list costs its length times what one item costs, so
//! `consultations(limit: 100) { transcript { text } }` costs a hundred transcripts.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::registry::{MetaTypeName, Registry};
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, ValidationResult, Variables};

use super::kpi::types::DayRangeInput;
use coach_app::config::GraphqlSettings;
use coach_app::error::UserFacingError;
use shared::errors::ErrorCode;
use shared::inputs::DayRange;
use shared::language::Language;

/// A field that runs one small database query of its own, per parent item (a consultation's
/// events, ratings, disputes, share links; a count).
pub const QUERY: usize = 10;
/// A consultation's report: an analysis row decoded (tens of kilobytes of JSON) and a view
/// recorded.
pub const REPORT: usize = 20;
/// A transcript: its row read and decoded, tens of kilobytes.
pub const TRANSCRIPT: usize = 20;
/// The report behind a share link: report and transcript, and the view recorded.
pub const SHARED_REPORT: usize = REPORT + TRANSCRIPT + QUERY;
/// An export: the report and transcript rendered to Markdown, JSON or PDF (a font subset
/// embedded), and the download recorded.
pub const EXPORT: usize = 500;
/// Writing the weekly KPI report: two weeks' boards computed and the report stored.
pub const WEEKLY_REPORT: usize = 1_000;
/// A database backup.
pub const BACKUP: usize = 1_000;

/// The price of a field over a range of days: `base + per_day × days`.
#[derive(Debug, Clone, Copy)]
pub struct Ranged {
    /// What the field costs whatever the range.
    pub base: usize,
    /// What each day of the range adds.
    pub per_day: usize,
}

/// A KPI board (`kpis`, and `kpi`, which computes the board): every source over the range.
pub const KPI_BOARD: Ranged = Ranged {
    base: 250,
    per_day: 5,
};
/// A counselor's scores over a range.
pub const COACHING_TREND: Ranged = Ranged {
    base: 50,
    per_day: 1,
};
/// A team's counselors over a range.
pub const TEAM_OVERVIEW: Ranged = Ranged {
    base: 50,
    per_day: 2,
};

/// `base` plus `child` (what the selection under the field costs).
#[must_use]
pub fn with_children(base: usize, child: usize) -> usize {
    base.saturating_add(child)
}

/// A list of up to `limit` items (at most `cap`, where the service clamps it) read by one query:
/// [`QUERY`] plus, per item, one unit and what its selection costs.
#[must_use]
pub fn list(limit: i32, cap: i32, child: usize) -> usize {
    let items = usize::try_from(limit.clamp(0, cap)).unwrap_or(0);
    QUERY.saturating_add(items.saturating_mul(child.saturating_add(1)))
}

/// A field over `range`: its [`Ranged`] price for the range's length, plus its selection. A range
/// that does not parse is priced at the longest accepted one (the resolver refuses it anyway).
#[must_use]
pub fn ranged(price: Ranged, range: &DayRangeInput, child: usize) -> usize {
    let days =
        DayRange::parse(&range.from, &range.to).map_or(DayRange::MAX_DAYS, |range| range.days());
    let days = usize::try_from(days).unwrap_or(0);
    price
        .base
        .saturating_add(price.per_day.saturating_mul(days))
        .saturating_add(child)
}

/// Fields whose single evaluation is expensive, as `(type, field)`: each may appear at most
/// `graphql.max_expensive_aliases` times in one operation.
pub const EXPENSIVE_FIELDS: [(&str, &str); 15] = [
    ("Query", "consultations"),
    ("Query", "kpis"),
    ("Query", "kpi"),
    ("Query", "coachingTrend"),
    ("Query", "teamOverview"),
    ("Query", "sharedReport"),
    ("Consultation", "report"),
    ("Consultation", "transcript"),
    ("Consultation", "transcriptInfo"),
    ("Mutation", "exportReport"),
    ("Mutation", "exportSharedReport"),
    ("Mutation", "generateWeeklyReport"),
    ("Mutation", "runBackup"),
    ("Mutation", "reanalyze"),
    ("Mutation", "uploadConsultation"),
];

/// Why a query is refused before it runs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryLimitError {
    /// The operation costs more than the limit.
    #[error("query cost {cost} is over the limit {limit}")]
    TooComplex {
        /// The operation's cost.
        cost: usize,
        /// `graphql.max_complexity`.
        limit: usize,
    },
    /// The operation nests deeper than the limit.
    #[error("query depth {depth} is over the limit {limit}")]
    TooDeep {
        /// The operation's depth.
        depth: usize,
        /// `graphql.max_depth`.
        limit: usize,
    },
    /// An expensive field appears too often.
    #[error("{field} appears {count} times, more than {limit}")]
    TooManyExpensiveFields {
        /// The field, `Type.field`.
        field: String,
        /// How often it appears in the operation.
        count: usize,
        /// `graphql.max_expensive_aliases`.
        limit: usize,
    },
}

impl UserFacingError for QueryLimitError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TooComplex { .. } => ErrorCode::QueryTooComplex,
            Self::TooDeep { .. } => ErrorCode::QueryTooDeep,
            Self::TooManyExpensiveFields { .. } => ErrorCode::TooManyExpensiveFields,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match (self, lang) {
            (Self::TooComplex { cost, limit }, Language::Ko) => format!(
                "요청한 데이터가 너무 많습니다 (비용 {cost}, 최대 {limit}). 목록의 limit을 줄이거나 요청을 나눠 보내 주세요."
            ),
            (Self::TooComplex { cost, limit }, Language::En) => format!(
                "The query asks for too much at once (cost {cost}, at most {limit}). Lower the lists' limits or split it into several requests."
            ),
            (Self::TooDeep { depth, limit }, Language::Ko) => {
                format!("요청이 너무 깊게 중첩되어 있습니다 (깊이 {depth}, 최대 {limit}).")
            }
            (Self::TooDeep { depth, limit }, Language::En) => {
                format!("The query is nested too deep (depth {depth}, at most {limit}).")
            }
            (
                Self::TooManyExpensiveFields {
                    field,
                    count,
                    limit,
                },
                Language::Ko,
            ) => format!(
                "{field} 필드는 한 요청에 최대 {limit}번까지 쓸 수 있습니다 ({count}번 사용). 요청을 나눠 보내 주세요."
            ),
            (
                Self::TooManyExpensiveFields {
                    field,
                    count,
                    limit,
                },
                Language::En,
            ) => format!(
                "{field} may appear at most {limit} times in one request (it appears {count} times). Split it into several requests."
            ),
        }
    }
}

impl QueryLimitError {
    /// The GraphQL error: the message in `lang`, `extensions.code` and the figures.
    fn into_server_error(self, lang: Language) -> ServerError {
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", self.code().as_str());
        match &self {
            Self::TooComplex { cost, limit } => {
                extensions.set("cost", *cost);
                extensions.set("limit", *limit);
            }
            Self::TooDeep { depth, limit } => {
                extensions.set("depth", *depth);
                extensions.set("limit", *limit);
            }
            Self::TooManyExpensiveFields {
                field,
                count,
                limit,
            } => {
                extensions.set("field", field.as_str());
                extensions.set("count", *count);
                extensions.set("limit", *limit);
            }
        }
        let mut error = ServerError::new(self.user_message(lang), None);
        error.extensions = Some(extensions);
        error
    }
}

/// The limits every operation is held to (the schema's extension).
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// `graphql.max_complexity`.
    pub max_complexity: usize,
    /// `graphql.max_depth`.
    pub max_depth: usize,
    /// `graphql.max_expensive_aliases`.
    pub max_expensive_aliases: usize,
}

impl From<&GraphqlSettings> for QueryLimits {
    fn from(settings: &GraphqlSettings) -> Self {
        Self {
            max_complexity: settings.max_complexity,
            max_depth: settings.max_depth,
            max_expensive_aliases: settings.max_expensive_aliases,
        }
    }
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn request_lang(ctx: &ExtensionContext<'_>) -> Language {
    ctx.data_opt::<Language>().copied().unwrap_or_default()
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        match over_repeated(
            &ctx.schema_env.registry,
            &document,
            self.max_expensive_aliases,
        ) {
            Some(error) => Err(error.into_server_error(request_lang(ctx))),
            None => Ok(document),
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let lang = request_lang(ctx);
        let mut errors = Vec::new();
        if result.complexity > self.max_complexity {
            errors.push(
                QueryLimitError::TooComplex {
                    cost: result.complexity,
                    limit: self.max_complexity,
                }
                .into_server_error(lang),
            );
        }
        if result.depth > self.max_depth {
            errors.push(
                QueryLimitError::TooDeep {
                    depth: result.depth,
                    limit: self.max_depth,
                }
                .into_server_error(lang),
            );
        }
        if errors.is_empty() {
            Ok(result)
        } else {
            tracing::info!(
                cost = result.complexity,
                depth = result.depth,
                "query refused by its limits"
            );
            Err(errors)
        }
    }
}

/// How often each expensive field appears, keyed by its index in [`EXPENSIVE_FIELDS`].
type Counts = BTreeMap<usize, usize>;

fn merge(into: &mut Counts, from: &Counts) {
    for (field, count) in from {
        let total = into.entry(*field).or_default();
        *total = total.saturating_add(*count);
    }
}

/// Counts the expensive fields of each operation of `document`, expanding fragments (each
/// fragment's count is computed once; a cycle, which validation refuses later, counts nothing).
struct Counter<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
    fragments: BTreeMap<&'a str, Counts>,
    visiting: HashSet<&'a str>,
}

impl<'a> Counter<'a> {
    fn selection_set(&mut self, type_name: &str, set: &'a SelectionSet) -> Counts {
        let mut counts = Counts::new();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if let Some(index) = EXPENSIVE_FIELDS
                        .iter()
                        .position(|(ty, f)| *ty == type_name && *f == name)
                    {
                        *counts.entry(index).or_default() += 1;
                    }
                    let child_type = self
                        .registry
                        .types
                        .get(type_name)
                        .and_then(|ty| ty.field_by_name(name))
                        .map(|meta| MetaTypeName::concrete_typename(&meta.ty).to_owned());
                    if let Some(child_type) = child_type
                        && !field.node.selection_set.node.items.is_empty()
                    {
                        let inner = self.selection_set(&child_type, &field.node.selection_set.node);
                        merge(&mut counts, &inner);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(type_name, |c| c.node.on.node.as_str())
                        .to_owned();
                    let inner = self.selection_set(&on, &fragment.node.selection_set.node);
                    merge(&mut counts, &inner);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let inner = self.fragment(name);
                    merge(&mut counts, &inner);
                }
            }
        }
        counts
    }

    fn fragment(&mut self, name: &'a str) -> Counts {
        if let Some(counts) = self.fragments.get(name) {
            return counts.clone();
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Counts::new();
        };
        let key = key.as_str();
        if !self.visiting.insert(key) {
            return Counts::new();
        }
        let on = definition.node.type_condition.node.on.node.as_str();
        let counts = self.selection_set(on, &definition.node.selection_set.node);
        self.visiting.remove(key);
        self.fragments.insert(key, counts.clone());
        counts
    }
}

/// The first expensive field that appears more than `limit` times in an operation of `document`.
fn over_repeated(
    registry: &Registry,
    document: &ExecutableDocument,
    limit: usize,
) -> Option<QueryLimitError> {
    let mut counter = Counter {
        registry,
        document,
        fragments: BTreeMap::new(),
        visiting: HashSet::new(),
    };
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => Some(registry.query_type.as_str()),
            OperationType::Mutation => registry.mutation_type.as_deref(),
            OperationType::Subscription => registry.subscription_type.as_deref(),
        };
        let Some(root) = root else { continue };
        let counts = counter.selection_set(root, &operation.node.selection_set.node);
        if let Some((index, count)) = counts.into_iter().find(|(_, count)| *count > limit) {
            let (ty, field) = EXPENSIVE_FIELDS.get(index).copied().unwrap_or_default();
            return Some(QueryLimitError::TooManyExpensiveFields {
                field: format!("{ty}.{field}"),
                count,
                limit,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::schema::AppSchema;
    use crate::graphql::{mutation::Mutation, query::Query, subscription::Subscription};

    const LIMITS: QueryLimits = QueryLimits {
        max_complexity: 10_000,
        max_depth: 12,
        max_expensive_aliases: 5,
    };

    /// The schema without data: resolvers fail, but the limits are checked before any runs.
    fn schema(limits: QueryLimits) -> AppSchema {
        async_graphql::Schema::build(
            Query::default(),
            Mutation::default(),
            Subscription::default(),
        )
        .extension(limits)
        .finish()
    }

    /// The limits' refusals of `query` (the resolvers' own errors left out): each error's code
    /// and, for repeated fields, the field and its count.
    async fn refusals(limits: QueryLimits, query: &str) -> Vec<String> {
        let extension = |e: &ServerError, key: &str| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get(key))
                .map(|v| v.to_string().trim_matches('"').to_owned())
        };
        schema(limits)
            .execute(query)
            .await
            .errors
            .iter()
            .filter_map(|e| {
                let code = extension(e, "code").filter(|c| {
                    [
                        "QUERY_TOO_COMPLEX",
                        "QUERY_TOO_DEEP",
                        "TOO_MANY_EXPENSIVE_FIELDS",
                    ]
                    .contains(&c.as_str())
                })?;
                Some(match (extension(e, "field"), extension(e, "count")) {
                    (Some(field), Some(count)) => format!("{code} {field} {count}"),
                    _ => code,
                })
            })
            .collect()
    }

    fn aliased(times: usize, field: &str) -> String {
        let fields: Vec<String> = (0..times).map(|i| format!("a{i}: {field}")).collect();
        format!("{{ {} }}", fields.join(" "))
    }

    #[tokio::test]
    async fn aliases_and_fragments_spread_several_times_each_count() {
        let board = r#"kpis(range: {from: "2026-11-01", to: "2026-11-30"}) { summary { met } }"#;
        assert!(refusals(LIMITS, &aliased(5, board)).await.is_empty());
        assert_eq!(
            refusals(LIMITS, &aliased(6, board)).await,
            ["TOO_MANY_EXPENSIVE_FIELDS Query.kpis 6"]
        );
        let spread = "{ ...B ...B ...B a: consultation(id: \"1\") { ...R } \
            b: consultation(id: \"2\") { ...R } c: consultation(id: \"3\") { ...R } } \
            fragment B on Query { x: consultation(id: \"4\") { ...R } } \
            fragment R on Consultation { report { summary } }";
        assert_eq!(
            refusals(LIMITS, spread).await,
            ["TOO_MANY_EXPENSIVE_FIELDS Consultation.report 6"]
        );
    }

    #[tokio::test]
    async fn fields_of_other_types_with_an_expensive_name_do_not_count() {
        // `KpiBoard.kpis` and `CounselorOverview.consultations` share a name with root fields.
        let board = r#"kpis(range: {from: "2026-11-01", to: "2026-11-30"}) { kpis { id } }"#;
        let overview =
            r#"teamOverview(range: {from: "2026-11-01", to: "2026-11-30"}) { consultations }"#;
        let query = format!(
            "{{ a: {board} b: {board} c: {board} d: {board} e: {board} f: {overview} g: {overview} }}"
        );
        assert!(refusals(LIMITS, &query).await.is_empty());
    }

    #[tokio::test]
    async fn a_fragment_cycle_is_left_to_async_graphql() {
        let query = "{ ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A }";
        assert!(refusals(LIMITS, query).await.is_empty());
        assert!(!schema(LIMITS).execute(query).await.errors.is_empty());
    }

    #[test]
    fn a_range_that_does_not_parse_is_priced_at_the_longest_range() {
        let range = |from: &str, to: &str| DayRangeInput {
            from: from.into(),
            to: to.into(),
        };
        assert_eq!(
            ranged(KPI_BOARD, &range("2026-11-01", "2026-11-30"), 7),
            250 + 150 + 7
        );
        assert_eq!(
            ranged(KPI_BOARD, &range("nonsense", "2026-11-30"), 0),
            250 + 5 * 731
        );
        assert_eq!(list(-5, 100, 3), QUERY);
        assert_eq!(list(1_000, 100, 3), QUERY + 400);
    }

    #[tokio::test]
    async fn cost_and_depth_over_their_limits_answer_with_their_codes() {
        let page = "consultations(limit: 100) { transcript { text } report { summary } }";
        assert!(refusals(LIMITS, &aliased(2, page)).await.is_empty());
        assert_eq!(
            refusals(LIMITS, &aliased(3, page)).await,
            ["QUERY_TOO_COMPLEX"]
        );
        let deep = "{ consultation(id: \"1\") { report { improvements { evidence { quote } } } } }";
        assert!(refusals(LIMITS, deep).await.is_empty());
        let shallow = QueryLimits {
            max_depth: 3,
            ..LIMITS
        };
        assert_eq!(refusals(shallow, deep).await, ["QUERY_TOO_DEEP"]);
    }
}
