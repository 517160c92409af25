//! Units (AUTHORITIES.md §3, §5.1): a tree of headquarters, detachments
//! and teams, each with its 2525 symbol, component, capabilities, the
//! latest strength and readiness reports and the uid of its own SA.

use cot::Time;
use serde::{Deserialize, Serialize};

/// A unit's echelon, with its MIL-STD-2525C letter (SIDC position 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // the 2525C echelon names
pub enum Echelon {
    Team,
    Squad,
    Section,
    Platoon,
    Company,
    Battalion,
    Regiment,
    Brigade,
    Division,
    Corps,
    Army,
    Command,
}

impl Echelon {
    /// The 2525C SIDC echelon letter.
    pub fn letter(self) -> char {
        match self {
            Echelon::Team => 'A',
            Echelon::Squad => 'B',
            Echelon::Section => 'C',
            Echelon::Platoon => 'D',
            Echelon::Company => 'E',
            Echelon::Battalion => 'F',
            Echelon::Regiment => 'G',
            Echelon::Brigade => 'H',
            Echelon::Division => 'I',
            Echelon::Corps => 'J',
            Echelon::Army => 'K',
            Echelon::Command => 'N',
        }
    }

    /// The amplifier drawn above the symbol (`I` company, `II` battalion).
    pub fn amplifier(self) -> &'static str {
        match self {
            Echelon::Team => "Ø",
            Echelon::Squad => "•",
            Echelon::Section => "••",
            Echelon::Platoon => "•••",
            Echelon::Company => "I",
            Echelon::Battalion => "II",
            Echelon::Regiment => "III",
            Echelon::Brigade => "X",
            Echelon::Division => "XX",
            Echelon::Corps => "XXX",
            Echelon::Army => "XXXX",
            Echelon::Command => "++",
        }
    }
}

/// The component a unit comes from (AUTHORITIES.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // AC, USAR, ARNG, ANG, USCG, civil agency
pub enum Component {
    Ac,
    Usar,
    Arng,
    Ang,
    Uscg,
    CivilAgency,
}

impl Component {
    /// The name on the wire and in the totals (`CIVIL_AGENCY`).
    pub fn name(self) -> &'static str {
        match self {
            Component::Ac => "AC",
            Component::Usar => "USAR",
            Component::Arng => "ARNG",
            Component::Ang => "ANG",
            Component::Uscg => "USCG",
            Component::CivilAgency => "CIVIL_AGENCY",
        }
    }
}

/// A PERSTAT's strength lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strength {
    /// Authorised (PERSTAT line 6).
    pub authorized: u32,
    /// Assigned (line 7).
    pub assigned: u32,
    /// Present for duty (line 8, on hand).
    pub present_for_duty: u32,
    /// As of.
    #[serde(with = "crate::when::required")]
    pub as_of: Time,
}

/// A unit status report's readiness (AR 220-1): the overall C-level and
/// its P, S, R and T resource levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// C-1 (ready) to C-5 (not ready by direction).
    pub c_level: u8,
    /// Personnel, 1 to 4.
    pub p: u8,
    /// Equipment on hand, 1 to 4.
    pub s: u8,
    /// Equipment readiness, 1 to 4.
    pub r: u8,
    /// Training, 1 to 4.
    pub t: u8,
    /// As of.
    #[serde(with = "crate::when::required")]
    pub as_of: Time,
}

impl Readiness {
    /// Whether every level is in its range.
    pub fn is_valid(&self) -> bool {
        (1..=5).contains(&self.c_level)
            && [self.p, self.s, self.r, self.t]
                .iter()
                .all(|l| (1..=4).contains(l))
    }
}

/// One unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Unique id (a UIC or a short designation).
    pub id: String,
    /// The designation shown on the map (2525 amplifier T).
    pub designation: String,
    /// The parent unit's id (amplifier M).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Echelon (amplifier B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echelon: Option<Echelon>,
    /// MIL-STD-2525 SIDC.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sidc: String,
    /// CoT type (`a-f-G-U-C-I`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cot_type: String,
    /// Service (Army, Navy, Air Force, Marine Corps, Coast Guard, agency).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service: String,
    /// Component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Component>,
    /// Capabilities (JTF-N categories: aviation, LP/OP, engineering, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// The latest PERSTAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<Strength>,
    /// The latest unit status report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Readiness>,
    /// The uid of the unit's own SA: its position comes from the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sa_uid: Option<String>,
    /// Other TAK uids with the unit, which receive its tasks too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_uids: Vec<String>,
}

impl Unit {
    /// The TAK uids a task for this unit goes to: its SA first.
    pub fn recipients(&self) -> Vec<String> {
        let mut out: Vec<String> = self.sa_uid.iter().cloned().collect();
        out.extend(
            self.field_uids
                .iter()
                .filter(|u| Some(*u) != self.sa_uid.as_ref())
                .cloned(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Component;

    #[test]
    fn a_components_name_is_its_wire_name() {
        let all = [
            Component::Ac,
            Component::Usar,
            Component::Arng,
            Component::Ang,
            Component::Uscg,
            Component::CivilAgency,
        ];
        for c in all {
            let wire = serde_json::to_value(c).expect("serialize");
            assert_eq!(wire.as_str(), Some(c.name()), "{c:?}");
        }
    }
}
