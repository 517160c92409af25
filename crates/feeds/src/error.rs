//! Errors of the pipeline's own API (configuration and operator marks).
//!
//! Bad sensor input is never an error here: it is dropped and counted in
//! [`crate::Stats`], because a feed cannot be answered.

/// Why a configuration or an operator command was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedsError {
    /// A configuration value is out of range; the server refuses to start.
    #[error("invalid feeds configuration: {0}")]
    Config(&'static str),
    /// Two sensors share an id.
    #[error("sensor id {0:?} is configured twice")]
    DuplicateSensor(String),
    /// A sensor's setting is out of range.
    #[error("sensor {0:?} has an invalid {1}")]
    BadSensor(String, &'static str),
    /// The tracker refused its configuration.
    #[error(transparent)]
    Tracker(#[from] fusion::tracker::TrackerError),
    /// The fuser refused its configuration.
    #[error(transparent)]
    Fuse(#[from] fusion::fuser::FuseError),
    /// A mark names a uid that is not a live track of this pipeline.
    #[error("no live track with uid {0:?}")]
    UnknownTrack(String),
    /// Mark remarks longer than [`crate::MAX_REMARKS`] bytes.
    #[error("remarks longer than {0} bytes")]
    RemarksTooLong(usize),
}
