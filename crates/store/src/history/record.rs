//! The unit of storage: one CoT event as the server saw it.

/// One stored CoT event.
///
/// Times are milliseconds since the Unix epoch. Coordinates are WGS-84
/// degrees (`lat`, `lon`), metres above the ellipsoid (`hae`) and metres of
/// circular / linear error (`ce`, `le`); any of them may be NaN ("unknown"),
/// which is stored as SQL `NULL` and read back as NaN.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// The event's `uid`.
    pub uid: String,
    /// The event's `type`, e.g. `a-f-G-U-C`.
    pub kind: String,
    /// The event's `how`, e.g. `m-g`.
    pub how: String,
    /// Event `time`, ms since the epoch.
    pub time_ms: i64,
    /// Event `start`, ms since the epoch.
    pub start_ms: i64,
    /// Event `stale`, ms since the epoch.
    pub stale_ms: i64,
    /// Latitude, WGS-84 degrees (NaN if unknown).
    pub lat: f64,
    /// Longitude, WGS-84 degrees (NaN if unknown).
    pub lon: f64,
    /// Height above the ellipsoid, metres (NaN if unknown).
    pub hae: f64,
    /// Circular error, metres (NaN if unknown).
    pub ce: f64,
    /// Linear error, metres (NaN if unknown).
    pub le: f64,
    /// Callsign from the event's contact detail, if any.
    pub callsign: Option<String>,
    /// Uid of the connected client that sent it, if any.
    pub sender_uid: Option<String>,
    /// Names of the groups that may see it, as the sender's "IN" groups
    /// were. Empty for an anonymous sender, whose items belong to the
    /// anonymous group (`picture::shared_with` says so; this crate stores
    /// what it is given). SQLite keeps them comma-joined, as it always has,
    /// so a name should not contain a comma.
    pub groups: Vec<String>,
    /// It is the SA of a connected client (the client's own uid), so it also
    /// replaces that client's last known row.
    pub client_sa: bool,
    /// It is the picture's latest state of its uid (a marker, shape, track
    /// or SA kept for late joiners, or a stale update ending one), so it
    /// replaces the uid's last known row, which a restart restores.
    pub last_known: bool,
    /// Uids this event (a delete) removed from the picture: their last
    /// known rows, if received no later than this one, are removed, so a
    /// restart does not bring them back.
    pub forgets: Vec<String>,
    /// The whole event as XML.
    pub xml: String,
    /// When the server received it, ms since the epoch.
    pub server_time_ms: i64,
}
