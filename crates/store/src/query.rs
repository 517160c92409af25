//! Filters for reading history back, and the SQL they become.

use rusqlite::types::Value;

/// Most rows one [`HistoryQuery`] returns, whatever its `limit` says; larger
/// reads page by moving `from_ms`.
pub const MAX_HISTORY_LIMIT: usize = 10_000;

/// Which clock a time range in a [`HistoryQuery`] refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeBasis {
    /// When the server received the event (`server_time_ms`); indexed.
    #[default]
    Server,
    /// The event's own `time` (`time_ms`), as the sender's clock put it.
    Event,
}

/// What to read from history. Results are ordered by server time, oldest
/// first (ties in arrival order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Only this uid.
    pub uid: Option<String>,
    /// Start of the time range, inclusive, ms since the epoch.
    pub from_ms: Option<i64>,
    /// End of the time range, exclusive, ms since the epoch.
    pub to_ms: Option<i64>,
    /// Which clock `from_ms` and `to_ms` refer to.
    pub basis: TimeBasis,
    /// Only types starting with this text (`a-f` matches `a-f-G-U-C`).
    pub type_prefix: Option<String>,
    /// Most rows to return (default 1000, capped at [`MAX_HISTORY_LIMIT`]).
    pub limit: usize,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            uid: None,
            from_ms: None,
            to_ms: None,
            basis: TimeBasis::Server,
            type_prefix: None,
            limit: 1000,
        }
    }
}

impl HistoryQuery {
    /// The `WHERE ... ORDER BY ... LIMIT` tail and its parameters.
    ///
    /// Only the filters that are present appear in the text, so SQLite can
    /// use the (uid, server_time_ms) and (server_time_ms) indexes; there are
    /// few distinct texts, so each stays in the prepared statement cache.
    pub(crate) fn to_sql(&self) -> (String, Vec<Value>) {
        let mut clauses: Vec<&str> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(uid) = &self.uid {
            clauses.push("uid = ?");
            params.push(Value::Text(uid.clone()));
        }
        let (from_clause, to_clause) = match self.basis {
            TimeBasis::Server => ("server_time_ms >= ?", "server_time_ms < ?"),
            TimeBasis::Event => ("time_ms >= ?", "time_ms < ?"),
        };
        if let Some(from) = self.from_ms {
            clauses.push(from_clause);
            params.push(Value::Integer(from));
        }
        if let Some(to) = self.to_ms {
            clauses.push(to_clause);
            params.push(Value::Integer(to));
        }
        if let Some(prefix) = &self.type_prefix {
            // substr rather than LIKE: no wildcard escaping, and case-sensitive
            // as CoT types are.
            clauses.push("substr(type, 1, ?) = ?");
            params.push(Value::Integer(prefix.chars().count() as i64));
            params.push(Value::Text(prefix.clone()));
        }
        let mut sql = String::new();
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY server_time_ms ASC, id ASC LIMIT ?");
        let limit = self.limit.min(MAX_HISTORY_LIMIT);
        params.push(Value::Integer(limit as i64));
        (sql, params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_has_no_where() {
        let (sql, params) = HistoryQuery::default().to_sql();
        assert!(!sql.contains("WHERE"));
        assert_eq!(params, vec![Value::Integer(1000)]);
    }

    #[test]
    fn limit_is_capped_and_filters_appear_in_order() {
        let q = HistoryQuery {
            uid: Some("u".into()),
            from_ms: Some(5),
            basis: TimeBasis::Event,
            type_prefix: Some("a-f".into()),
            limit: usize::MAX,
            ..HistoryQuery::default()
        };
        let (sql, params) = q.to_sql();
        assert!(sql.contains("uid = ? AND time_ms >= ? AND substr(type, 1, ?) = ?"));
        assert_eq!(params.len(), 5);
        assert_eq!(params[4], Value::Integer(MAX_HISTORY_LIMIT as i64));
    }
}
