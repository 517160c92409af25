//! The closed list of activities a task may require (AUTHORITIES.md §5.1,
//! the rows of the §1.8 table). A task naming anything else is refused at
//! input, so the decision rule never meets an activity it has no row for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One kind of support a task may require of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // the names are the AUTHORITIES.md §5.1 vocabulary
pub enum Activity {
    Detect,
    MonitorTraffic,
    SurveilIndividual,
    CommRelay,
    IntelAnalysis,
    TransportLePersonnel,
    TransportPersonsInCustody,
    Logistics,
    Engineering,
    AviationSupport,
    Search,
    Seizure,
    ArrestDetain,
    CrowdTrafficControl,
    Checkpoint,
    InterdictLandVehicle,
    InterceptVesselAircraftOutside,
    BoardSearchVessel,
    EvidenceCollection,
    TrainingLea,
}

impl Activity {
    /// Every activity, in the order of AUTHORITIES.md §5.1.
    pub const ALL: [Activity; 20] = [
        Activity::Detect,
        Activity::MonitorTraffic,
        Activity::SurveilIndividual,
        Activity::CommRelay,
        Activity::IntelAnalysis,
        Activity::TransportLePersonnel,
        Activity::TransportPersonsInCustody,
        Activity::Logistics,
        Activity::Engineering,
        Activity::AviationSupport,
        Activity::Search,
        Activity::Seizure,
        Activity::ArrestDetain,
        Activity::CrowdTrafficControl,
        Activity::Checkpoint,
        Activity::InterdictLandVehicle,
        Activity::InterceptVesselAircraftOutside,
        Activity::BoardSearchVessel,
        Activity::EvidenceCollection,
        Activity::TrainingLea,
    ];

    /// Whether this is direct law enforcement (the DIRECT_LE subset of
    /// §5.1): what the PCA and 10 U.S.C. 275 bar Title 10 forces from.
    pub fn is_direct_le(self) -> bool {
        matches!(
            self,
            Activity::SurveilIndividual
                | Activity::Search
                | Activity::Seizure
                | Activity::ArrestDetain
                | Activity::CrowdTrafficControl
                | Activity::Checkpoint
                | Activity::InterdictLandVehicle
                | Activity::BoardSearchVessel
                | Activity::EvidenceCollection
        )
    }

    /// The wire name (`ARREST_DETAIN`).
    pub fn name(self) -> &'static str {
        match self {
            Activity::Detect => "DETECT",
            Activity::MonitorTraffic => "MONITOR_TRAFFIC",
            Activity::SurveilIndividual => "SURVEIL_INDIVIDUAL",
            Activity::CommRelay => "COMM_RELAY",
            Activity::IntelAnalysis => "INTEL_ANALYSIS",
            Activity::TransportLePersonnel => "TRANSPORT_LE_PERSONNEL",
            Activity::TransportPersonsInCustody => "TRANSPORT_PERSONS_IN_CUSTODY",
            Activity::Logistics => "LOGISTICS",
            Activity::Engineering => "ENGINEERING",
            Activity::AviationSupport => "AVIATION_SUPPORT",
            Activity::Search => "SEARCH",
            Activity::Seizure => "SEIZURE",
            Activity::ArrestDetain => "ARREST_DETAIN",
            Activity::CrowdTrafficControl => "CROWD_TRAFFIC_CONTROL",
            Activity::Checkpoint => "CHECKPOINT",
            Activity::InterdictLandVehicle => "INTERDICT_LAND_VEHICLE",
            Activity::InterceptVesselAircraftOutside => "INTERCEPT_VESSEL_AIRCRAFT_OUTSIDE",
            Activity::BoardSearchVessel => "BOARD_SEARCH_VESSEL",
            Activity::EvidenceCollection => "EVIDENCE_COLLECTION",
            Activity::TrainingLea => "TRAINING_LEA",
        }
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not on the closed list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activity {0:?} (the list is closed: AUTHORITIES.md §5.1)")]
pub struct UnknownActivity(pub String);

impl FromStr for Activity {
    type Err = UnknownActivity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Activity::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownActivity(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for a in Activity::ALL {
            assert_eq!(a.name().parse::<Activity>(), Ok(a));
            let json = serde_json::to_string(&a).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", a.name()));
        }
        assert!("PATROL".parse::<Activity>().is_err());
        assert_eq!(Activity::ALL.iter().filter(|a| a.is_direct_le()).count(), 9);
    }
}
