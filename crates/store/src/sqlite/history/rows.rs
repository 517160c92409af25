//! The SQL text shared by the queries, and rows to [`Record`]s and back.

use rusqlite::Row;

use crate::Record;

/// Columns in [`Record`] order. `last_sa` (the last known row per uid, named
/// for what it first held) has no `forgets`: it is never a delete.
pub(super) const SELECT_HISTORY: &str =
    "SELECT uid, type, how, time_ms, start_ms, stale_ms, lat, lon, hae, ce, le, \
     callsign, sender_uid, groups, xml, server_time_ms, client_sa, last_known, forgets \
     FROM history";
pub(super) const SELECT_LAST_SA: &str =
    "SELECT uid, type, how, time_ms, start_ms, stale_ms, lat, lon, hae, ce, le, \
     callsign, sender_uid, groups, xml, server_time_ms, client_sa, 1, '' FROM last_sa";

pub(super) const INSERT_HISTORY: &str =
    "INSERT INTO history (uid, type, how, time_ms, start_ms, stale_ms, \
     lat, lon, hae, ce, le, callsign, sender_uid, groups, xml, server_time_ms, client_sa, \
     last_known, forgets) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

/// Removes a uid's last known row unless one was received after the delete.
pub(super) const FORGET_LAST_SA: &str =
    "DELETE FROM last_sa WHERE uid = ?1 AND server_time_ms <= ?2";

// Arrival order decides which SA is "last": a later server time (or the same
// server time, later in the batch) wins, so a client with a wrong clock
// cannot pin an old position forever.
pub(super) const UPSERT_LAST_SA: &str = "INSERT INTO last_sa (uid, type, how, time_ms, start_ms, stale_ms, \
     lat, lon, hae, ce, le, callsign, sender_uid, groups, xml, server_time_ms, client_sa) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) \
     ON CONFLICT (uid) DO UPDATE SET type = excluded.type, how = excluded.how, \
     time_ms = excluded.time_ms, start_ms = excluded.start_ms, stale_ms = excluded.stale_ms, \
     lat = excluded.lat, lon = excluded.lon, hae = excluded.hae, ce = excluded.ce, le = excluded.le, \
     callsign = excluded.callsign, sender_uid = excluded.sender_uid, groups = excluded.groups, \
     xml = excluded.xml, server_time_ms = excluded.server_time_ms, \
     client_sa = excluded.client_sa \
     WHERE excluded.server_time_ms >= last_sa.server_time_ms";

/// Group names as the `groups` column holds them: joined with commas, the
/// encoding of every file written so far.
pub(super) fn join_groups(groups: &[String]) -> String {
    groups.join(",")
}

/// The `groups` (or `forgets`) column as a list; the empty text (an
/// anonymous sender, nothing forgotten) is the empty list.
fn split_groups(joined: &str) -> Vec<String> {
    joined
        .split(',')
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect()
}

/// SQLite would turn NaN into NULL anyway; doing it here makes the intent
/// plain and the read side symmetric.
pub(super) fn nan_to_null(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

fn float(row: &Row<'_>, idx: usize) -> rusqlite::Result<f64> {
    Ok(row.get::<_, Option<f64>>(idx)?.unwrap_or(f64::NAN))
}

pub(super) fn record_from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        uid: row.get(0)?,
        kind: row.get(1)?,
        how: row.get(2)?,
        time_ms: row.get(3)?,
        start_ms: row.get(4)?,
        stale_ms: row.get(5)?,
        lat: float(row, 6)?,
        lon: float(row, 7)?,
        hae: float(row, 8)?,
        ce: float(row, 9)?,
        le: float(row, 10)?,
        callsign: row.get(11)?,
        sender_uid: row.get(12)?,
        groups: split_groups(&row.get::<_, String>(13)?),
        xml: row.get(14)?,
        server_time_ms: row.get(15)?,
        client_sa: row.get(16)?,
        last_known: row.get(17)?,
        forgets: split_groups(&row.get::<_, String>(18)?),
    })
}
