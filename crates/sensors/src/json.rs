//! JSON lines for `watchfloor decode FILE`: one object per decoded record, one per
//! error, in recording order.
//!
//! Every record object has `category`, `payload`, `block` (indices as in
//! [`crate::recording`]) and, when present, `sac`, `sic`, `time_of_day_s`, then the
//! category's fields: `rho_nm`, `theta_deg`, `mode3a` (4 octal digits),
//! `flight_level`, `track_number`, `aircraft_address` (6 upper-case hex digits),
//! `aircraft_id` (trailing spaces removed), `lat`, `lon`, `x_nm`, `y_nm`,
//! `ground_speed_mps`, `heading_deg`, `message_type`, `sector_azimuth_deg`. A record
//! with implausible values carries an `implausible` message. An error object has
//! `error` and, when known, `category`, `payload` and `block`.

use serde_json::{json, Map, Value};

use crate::asterix::{data_blocks, decode_block, Record};
use crate::recording::asterix_payloads;

/// Decodes a whole recording (raw ASTERIX or pcap) to JSON objects.
pub fn decode_to_json_lines(bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    for payload in asterix_payloads(bytes) {
        let payload = match payload {
            Ok(p) => p,
            Err(e) => {
                out.push(json!({ "error": e.to_string() }));
                continue;
            }
        };
        for (block_index, block) in data_blocks(payload.bytes).enumerate() {
            let position = json!({ "payload": payload.index, "block": block_index });
            let block = match block {
                Ok(b) => b,
                Err(e) => {
                    out.push(with(position, [("error", json!(e.to_string()))]));
                    continue;
                }
            };
            for record in decode_block(block) {
                let obj = match record {
                    Ok(r) => record_json(&r, position.clone()),
                    Err(e) => with(
                        position.clone(),
                        [
                            ("category", json!(block.category)),
                            ("error", json!(e.to_string())),
                        ],
                    ),
                };
                out.push(obj);
            }
        }
    }
    out
}

fn with<const N: usize>(base: Value, fields: [(&str, Value); N]) -> Value {
    let mut map = match base {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (k, v) in fields {
        map.insert(k.to_owned(), v);
    }
    Value::Object(map)
}

/// The JSON object of one decoded record; `position` holds `payload` and `block`.
pub fn record_json(record: &Record, position: Value) -> Value {
    let mut m = match position {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_owned(), v);
        }
    };
    put("category", Some(json!(record.category())));
    if let Some(src) = record.source() {
        put("sac", Some(json!(src.sac)));
        put("sic", Some(json!(src.sic)));
    }
    match record {
        Record::Cat048(r) => {
            put("time_of_day_s", r.time_of_day_s.map(Value::from));
            put("rho_nm", r.polar.map(|p| json!(p.rho_nm)));
            put("theta_deg", r.polar.map(|p| json!(p.theta_deg)));
            put("mode3a", r.mode3a.map(|c| json!(c.octal())));
            put("flight_level", r.flight_level.map(|f| json!(f.fl)));
            put("track_number", r.track_number.map(Value::from));
            put("aircraft_address", r.aircraft_address.map(hex24));
            put("aircraft_id", r.aircraft_id.clone().map(Value::from));
            put("x_nm", r.cartesian.map(|c| json!(c.x_nm)));
            put("y_nm", r.cartesian.map(|c| json!(c.y_nm)));
            put(
                "ground_speed_mps",
                r.velocity.map(|v| json!(v.ground_speed_mps)),
            );
            put("heading_deg", r.velocity.map(|v| json!(v.heading_deg)));
        }
        Record::Cat021(r) => {
            put("time_of_day_s", r.time_of_day_s().map(Value::from));
            put("lat", r.best_position().map(|p| json!(p.lat_deg)));
            put("lon", r.best_position().map(|p| json!(p.lon_deg)));
            put("mode3a", r.mode3a.map(|c| json!(c.octal())));
            put("flight_level", r.flight_level.map(Value::from));
            put("track_number", r.track_number.map(Value::from));
            put("aircraft_address", r.target_address.map(hex24));
            put("aircraft_id", r.target_id.clone().map(Value::from));
            put(
                "ground_speed_mps",
                r.ground_vector.map(|g| json!(g.ground_speed_mps)),
            );
            put("heading_deg", r.ground_vector.map(|g| json!(g.track_deg)));
        }
        Record::Cat034(r) => {
            put("time_of_day_s", r.time_of_day_s.map(Value::from));
            put("message_type", r.message_type.map(Value::from));
            put("sector_azimuth_deg", r.sector_azimuth_deg.map(Value::from));
        }
    }
    if let Err(e) = record.check() {
        put("implausible", Some(json!(e.to_string())));
    }
    Value::Object(m)
}

fn hex24(address: u32) -> Value {
    json!(format!("{:06X}", address & 0x00ff_ffff))
}
