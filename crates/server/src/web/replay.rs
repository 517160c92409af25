//! Replay: the picture as the store remembers it at a past moment, shaped
//! like the live objects so the page draws both the same way.

use super::hub::Viewer;
use super::view::{show, ObjectView, Shown};

/// The stored rows as objects `viewer` may see.
pub(crate) fn objects(rows: &[store::Record], viewer: &Viewer) -> Vec<ObjectView> {
    rows.iter()
        .filter_map(|r| {
            let groups = picture::shared_with(&r.groups);
            if !viewer.sees(&groups) {
                return None;
            }
            let event = cot::parse_event(r.xml.as_bytes()).ok()?;
            match show(&event, r.sender_uid.as_deref()) {
                Shown::Object(mut o) => {
                    o.groups = viewer.shown_groups(&groups);
                    o.contact = r.client_sa;
                    Some(o)
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(uid: &str, groups: &[&str]) -> store::Record {
        store::Record {
            uid: uid.into(),
            kind: "a-f-G".into(),
            how: "m-g".into(),
            time_ms: 0,
            start_ms: 0,
            stale_ms: 60_000,
            lat: 1.0,
            lon: 2.0,
            hae: 0.0,
            ce: 0.0,
            le: 0.0,
            callsign: None,
            sender_uid: Some("S-1".into()),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            client_sa: false,
            xml: format!(
                r#"<event version="2.0" uid="{uid}" type="a-f-G" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:01:00Z"><point lat="1" lon="2" hae="0" ce="0" le="0"/><detail><contact callsign="C-{uid}"/></detail></event>"#
            ),
            server_time_ms: 0,
        }
    }

    #[test]
    fn rows_become_objects_for_those_who_may_see_them() {
        let rows = [row("a", &["blue"]), row("b", &["red"]), row("c", &[]), {
            let mut bad = row("d", &["blue"]);
            bad.xml = "<garbage".into();
            bad
        }];
        let blue = Viewer {
            groups: Some(vec!["blue".into()]),
            uid: "w".into(),
            team: "Cyan".into(),
        };
        let seen: Vec<String> = objects(&rows, &blue).into_iter().map(|o| o.uid).collect();
        assert_eq!(seen, ["a"]);
        let all = Viewer {
            groups: None,
            ..blue
        };
        let objs = objects(&rows, &all);
        assert_eq!(objs.len(), 3, "the unreadable row is skipped");
        assert_eq!(objs[0].callsign.as_deref(), Some("C-a"));
        assert_eq!(objs[0].sender.as_deref(), Some("S-1"));
    }
}
