//! A [`HistoryQuery`] as SQL.

use rusqlite::types::Value;

use crate::{HistoryQuery, TimeBasis, MAX_HISTORY_LIMIT};

/// The `WHERE ... ORDER BY ... LIMIT` tail of `q` and its parameters.
///
/// Only the filters that are present appear in the text, so SQLite can use
/// the (uid, server_time_ms) and (server_time_ms) indexes; there are few
/// distinct texts, so each stays in the prepared statement cache.
pub(super) fn to_sql(q: &HistoryQuery) -> (String, Vec<Value>) {
    let mut clauses: Vec<&str> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some(uid) = &q.uid {
        clauses.push("uid = ?");
        params.push(Value::Text(uid.clone()));
    }
    let (from_clause, to_clause) = match q.basis {
        TimeBasis::Server => ("server_time_ms >= ?", "server_time_ms < ?"),
        TimeBasis::Event => ("time_ms >= ?", "time_ms < ?"),
    };
    if let Some(from) = q.from_ms {
        clauses.push(from_clause);
        params.push(Value::Integer(from));
    }
    if let Some(to) = q.to_ms {
        clauses.push(to_clause);
        params.push(Value::Integer(to));
    }
    if let Some(prefix) = &q.type_prefix {
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
    let limit = q.limit.min(MAX_HISTORY_LIMIT);
    params.push(Value::Integer(limit as i64));
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_has_no_where() {
        let (sql, params) = to_sql(&HistoryQuery::default());
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
        let (sql, params) = to_sql(&q);
        assert!(sql.contains("uid = ? AND time_ms >= ? AND substr(type, 1, ?) = ?"));
        assert_eq!(params.len(), 5);
        assert_eq!(params[4], Value::Integer(MAX_HISTORY_LIMIT as i64));
    }
}
