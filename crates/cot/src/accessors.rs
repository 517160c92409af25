//! Typed views of the detail elements the server acts on. Each returns an
//! owned copy; the detail itself stays as received.

use crate::detail::{Detail, Element};

/// `<contact callsign endpoint/>`: who sent an SA and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// Display name of a unit or device.
    pub callsign: Option<String>,
    /// `*:-1:stcp` for streaming clients, `ip:4242:tcp` for mesh.
    pub endpoint: Option<String>,
}

/// `<__group name role/>`: the team colour and role (display and team chat,
/// not a routing group).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Team {
    /// Team colour such as `Cyan`.
    pub name: Option<String>,
    /// Role such as `Team Member`.
    pub role: Option<String>,
}

/// One `<marti><dest .../></marti>` addressee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dest {
    /// Addressee by callsign.
    pub callsign: Option<String>,
    /// Addressee by uid.
    pub uid: Option<String>,
}

/// `<__chat>` of a GeoChat message, with its `<chatgrp>` members.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chat {
    /// `RootContactGroup`, `TeamGroups` or a group id.
    pub parent: Option<String>,
    /// `All Chat Rooms`, a team colour, or the recipient's callsign.
    pub chatroom: Option<String>,
    /// Room id, or the recipient's uid for a direct message.
    pub id: Option<String>,
    /// Sender's callsign.
    pub sender_callsign: Option<String>,
    /// `chatgrp@uid0..N`: sender first, then recipients.
    pub members: Vec<String>,
}

/// `<link uid type relation/>`: ties an item to another uid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// The linked uid.
    pub uid: String,
    /// The linked item's CoT type.
    pub kind: Option<String>,
    /// Relation such as `p-p` (parent/producer).
    pub relation: Option<String>,
}

/// `<takv device platform os version/>`: the client software.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Takv {
    /// Device model.
    pub device: Option<String>,
    /// `ATAK-CIV`, `WinTAK-CIV`, `iTAK`, ...
    pub platform: Option<String>,
    /// Operating system version.
    pub os: Option<String>,
    /// Client version.
    pub version: Option<String>,
}

/// `<track speed course/>`.
///
/// # Units
/// `speed` in metres per second, `course` in degrees clockwise from true north.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Track {
    /// Speed over ground, m/s.
    pub speed: Option<f64>,
    /// Course over ground, degrees.
    pub course: Option<f64>,
}

/// `<status battery/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    /// Battery charge, percent.
    pub battery: Option<u32>,
}

/// `<emergency type cancel>callsign</emergency>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Emergency {
    /// `911 Alert`, `Ring The Bell`, `Troops In Contact`, ...
    pub kind: Option<String>,
    /// `cancel="true"`.
    pub cancel: bool,
    /// The text content, by convention the callsign.
    pub text: String,
}

fn owned(e: &Element, name: &str) -> Option<String> {
    e.attr(name).map(str::to_string)
}

/// Lenient number: trims, accepts `nan`/`NaN`, rejects garbage.
pub fn parse_f64(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    t.parse().ok()
}

impl Detail {
    /// The `contact` element.
    pub fn contact(&self) -> Option<Contact> {
        self.child("contact").map(|e| Contact {
            callsign: owned(e, "callsign"),
            endpoint: owned(e, "endpoint"),
        })
    }

    /// The callsign from `contact`, the usual display name of a client.
    pub fn callsign(&self) -> Option<String> {
        self.contact().and_then(|c| c.callsign)
    }

    /// The `__group` element (team colour and role).
    pub fn team(&self) -> Option<Team> {
        self.child("__group").map(|e| Team {
            name: owned(e, "name"),
            role: owned(e, "role"),
        })
    }

    /// Every `marti/dest` addressee; empty when the event is not directed.
    pub fn dests(&self) -> Vec<Dest> {
        self.elements()
            .filter(|e| e.name == "marti")
            .flat_map(|m| m.elements().filter(|d| d.name == "dest"))
            .map(|d| Dest {
                callsign: owned(d, "callsign"),
                uid: owned(d, "uid"),
            })
            .filter(|d| d.callsign.is_some() || d.uid.is_some())
            .collect()
    }

    /// The `__chat` element of a GeoChat message.
    pub fn chat(&self) -> Option<Chat> {
        self.child("__chat").map(|e| {
            let members = e
                .child("chatgrp")
                .map(|g| {
                    let mut m: Vec<(usize, String)> = g
                        .attrs
                        .iter()
                        .filter_map(|(k, v)| {
                            k.strip_prefix("uid")?
                                .parse::<usize>()
                                .ok()
                                .map(|i| (i, v.clone()))
                        })
                        .collect();
                    m.sort_by_key(|(i, _)| *i);
                    m.into_iter().map(|(_, v)| v).collect()
                })
                .unwrap_or_default();
            Chat {
                parent: owned(e, "parent"),
                chatroom: owned(e, "chatroom"),
                id: owned(e, "id"),
                sender_callsign: owned(e, "senderCallsign"),
                members,
            }
        })
    }

    /// Every `link` element that names a uid.
    pub fn links(&self) -> Vec<Link> {
        self.elements()
            .filter(|e| e.name == "link")
            .filter_map(|e| {
                Some(Link {
                    uid: owned(e, "uid")?,
                    kind: owned(e, "type"),
                    relation: owned(e, "relation").or_else(|| owned(e, "relationship")),
                })
            })
            .collect()
    }

    /// The `takv` element.
    pub fn takv(&self) -> Option<Takv> {
        self.child("takv").map(|e| Takv {
            device: owned(e, "device"),
            platform: owned(e, "platform"),
            os: owned(e, "os"),
            version: owned(e, "version"),
        })
    }

    /// The `track` element.
    pub fn track(&self) -> Option<Track> {
        self.child("track").map(|e| Track {
            speed: e.attr("speed").and_then(parse_f64),
            course: e.attr("course").and_then(parse_f64),
        })
    }

    /// The `status` element.
    pub fn status(&self) -> Option<Status> {
        self.child("status").map(|e| Status {
            battery: e.attr("battery").and_then(|b| b.trim().parse().ok()),
        })
    }

    /// The `emergency` element.
    pub fn emergency(&self) -> Option<Emergency> {
        self.child("emergency").map(|e| Emergency {
            kind: owned(e, "type"),
            cancel: e
                .attr("cancel")
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("true")),
            text: e.text(),
        })
    }

    /// The text of `remarks`, e.g. a GeoChat body.
    pub fn remarks(&self) -> Option<String> {
        self.child("remarks").map(Element::text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detail::Node;

    fn detail(children: Vec<Element>) -> Detail {
        Detail {
            children: children.into_iter().map(Node::Element).collect(),
        }
    }

    #[test]
    fn reads_dests_and_chat_members() {
        let mut marti = Element::new("marti");
        marti.children.push(Node::Element(Element::with_attrs(
            "dest",
            [("callsign", "BRAVO")],
        )));
        marti
            .children
            .push(Node::Element(Element::with_attrs("dest", [("uid", "U-2")])));
        let mut chat =
            Element::with_attrs("__chat", [("chatroom", "Red"), ("parent", "TeamGroups")]);
        chat.children.push(Node::Element(Element::with_attrs(
            "chatgrp",
            [("uid1", "B"), ("uid0", "A")],
        )));
        let d = detail(vec![marti, chat]);
        let dests = d.dests();
        assert_eq!(dests.len(), 2);
        assert_eq!(dests[0].callsign.as_deref(), Some("BRAVO"));
        assert_eq!(dests[1].uid.as_deref(), Some("U-2"));
        let c = d.chat().unwrap_or_default();
        assert_eq!(c.members, vec!["A".to_string(), "B".to_string()]);
        assert_eq!(c.parent.as_deref(), Some("TeamGroups"));
    }

    #[test]
    fn lenient_numbers() {
        assert!(parse_f64("nan").is_some_and(f64::is_nan));
        assert_eq!(parse_f64(" 9999999 "), Some(9_999_999.0));
        assert_eq!(parse_f64("x"), None);
        let d = detail(vec![Element::with_attrs(
            "track",
            [("speed", "NaN"), ("course", "90.5")],
        )]);
        let t = d.track().unwrap_or_default();
        assert!(t.speed.is_some_and(f64::is_nan));
        assert_eq!(t.course, Some(90.5));
    }
}
