//! Replay: the picture as the store remembers it at a past moment, shaped
//! like the live objects so the page draws both the same way.

use crate::hub::Viewer;
use crate::view::{show, ObjectView, Shown};

/// One row of the history, as replay needs it.
pub trait StoredEvent {
    /// The event's CoT XML as stored.
    fn xml(&self) -> &str;
    /// The groups it was shared with (empty: anonymous).
    fn groups(&self) -> &[String];
    /// Who relayed it, if known.
    fn sender_uid(&self) -> Option<&str>;
    /// Whether it is a client's own SA.
    fn client_sa(&self) -> bool;
}

/// The stored rows as objects `viewer` may see.
pub fn objects<R: StoredEvent>(rows: &[R], viewer: &Viewer) -> Vec<ObjectView> {
    rows.iter()
        .filter_map(|r| {
            let groups = picture::shared_with(r.groups());
            if !viewer.sees(&groups) {
                return None;
            }
            let event = cot::parse_event(r.xml().as_bytes()).ok()?;
            match show(&event, r.sender_uid()) {
                Shown::Object(mut o) => {
                    o.groups = viewer.shown_groups(&groups);
                    o.contact = r.client_sa();
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

    struct Row {
        xml: String,
        groups: Vec<String>,
    }

    impl StoredEvent for Row {
        fn xml(&self) -> &str {
            &self.xml
        }
        fn groups(&self) -> &[String] {
            &self.groups
        }
        fn sender_uid(&self) -> Option<&str> {
            Some("S-1")
        }
        fn client_sa(&self) -> bool {
            false
        }
    }

    fn row(uid: &str, groups: &[&str]) -> Row {
        Row {
            groups: groups.iter().map(|g| g.to_string()).collect(),
            xml: format!(
                r#"<event version="2.0" uid="{uid}" type="a-f-G" how="m-g" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2026-01-01T00:01:00Z"><point lat="1" lon="2" hae="0" ce="0" le="0"/><detail><contact callsign="C-{uid}"/></detail></event>"#
            ),
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
            identity: picture::Identity::both(&["blue".to_string()]),
            uid: "w".into(),
            team: "Cyan".into(),
        };
        let seen: Vec<String> = objects(&rows, &blue).into_iter().map(|o| o.uid).collect();
        assert_eq!(seen, ["a"]);
        let all = Viewer {
            identity: picture::Identity::operator(Vec::new()),
            ..blue
        };
        let objs = objects(&rows, &all);
        assert_eq!(objs.len(), 3, "the unreadable row is skipped");
        assert_eq!(objs[0].callsign.as_deref(), Some("C-a"));
        assert_eq!(objs[0].sender.as_deref(), Some("S-1"));
    }
}
