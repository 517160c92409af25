//! Tunables and counters of the routing core.

/// How the picture behaves; [`Config::default`] mirrors TAK Server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Period between repeats of an active emergency, milliseconds (TAK
    /// Server's repeater `periodMillis`, 3000).
    pub emergency_repeat_ms: i64,
    /// Most emergencies kept active at once; further ones are still
    /// delivered once but not repeated (and counted).
    pub max_emergencies: usize,
    /// Most items in the latest-item cache; past it the item that goes stale
    /// first is evicted (and counted).
    pub max_cached_items: usize,
    /// Whether a client's departure is announced with a `t-x-d-d` delete.
    pub announce_disconnect: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            emergency_repeat_ms: 3000,
            max_emergencies: 1024,
            max_cached_items: 100_000,
            announce_disconnect: true,
        }
    }
}

/// Plain counters since the picture was created. "Gauges" (current values)
/// are marked as such; everything else only grows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events handed to `ingest` or `ingest_feed` (restored ones excluded).
    pub events_in: u64,
    /// Events routed to others (everything but consumed control messages).
    pub brokered: u64,
    /// Sum over every `Deliver` of its number of receivers, replays,
    /// repeats, pongs and delete announcements included.
    pub deliveries: u64,
    /// Pings (`t-x-c-t`) answered.
    pub pings: u64,
    /// Consumed control messages other than answered pings (subscriptions,
    /// filters, metrics, incognito, pongs, a ping from a feed).
    pub control_ignored: u64,
    /// Cached items removed by a `t-x-d-d` delete (brokered either way).
    pub deletes_applied: u64,
    /// Directed events (`marti/dest` or a direct chat) that matched no
    /// reachable identified client.
    pub directed_without_recipient: u64,
    /// Events from a `ClientId` that is not connected (dropped).
    pub unknown_sender: u64,
    /// Cached items evicted because the cache was full.
    pub cache_evictions: u64,
    /// Cached items removed by the stale sweep.
    pub stale_removals: u64,
    /// Items in the latest-item cache (gauge).
    pub cached_items: u64,
    /// Emergencies being repeated (gauge).
    pub emergencies_active: u64,
    /// Emergencies not repeated because `max_emergencies` were active.
    pub emergencies_dropped: u64,
    /// Repeated emergency copies sent.
    pub emergency_repeats: u64,
    /// Clients that identified themselves with an SA (gauge).
    pub identified_clients: u64,
    /// Connected clients (gauge).
    pub connected_clients: u64,
}
