//! TAK Protocol Version 1 messages (package
//! `atakmap.commoncommo.protobuf.v1`, proto3), written by hand with prost's
//! derive so that no build script or `protoc` is needed. Field numbers and
//! types follow the TAK Server and ATAK `.proto` files.

/// The top-level message of every TAK protocol v1 payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TakMessage {
    /// Protocol control (version negotiation on mesh); usually absent.
    #[prost(message, optional, tag = "1")]
    pub tak_control: Option<TakControl>,
    /// The CoT event.
    #[prost(message, optional, tag = "2")]
    pub cot_event: Option<CotEvent>,
    /// TAK Server internal: when the server received the message, ms since
    /// the Unix epoch (0 when absent).
    #[prost(uint64, tag = "3")]
    pub submission_time: u64,
    /// TAK Server internal: when the message was created, ms since the
    /// Unix epoch (0 when absent).
    #[prost(uint64, tag = "4")]
    pub creation_time: u64,
}

/// Protocol versions a mesh sender supports.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TakControl {
    /// Lowest supported version (0 means 1).
    #[prost(uint32, tag = "1")]
    pub min_proto_version: u32,
    /// Highest supported version (0 means 1).
    #[prost(uint32, tag = "2")]
    pub max_proto_version: u32,
    /// The sender's uid (ATAK's copy of the schema; TAK Server's lacks it).
    #[prost(string, tag = "3")]
    pub contact_uid: String,
}

/// One CoT event. Strings are empty when absent (proto3).
#[derive(Clone, PartialEq, prost::Message)]
pub struct CotEvent {
    /// CoT type (`a-f-G-U-C`).
    #[prost(string, tag = "1")]
    pub r#type: String,
    /// `access` attribute.
    #[prost(string, tag = "2")]
    pub access: String,
    /// `qos` attribute.
    #[prost(string, tag = "3")]
    pub qos: String,
    /// `opex` attribute.
    #[prost(string, tag = "4")]
    pub opex: String,
    /// Event uid.
    #[prost(string, tag = "5")]
    pub uid: String,
    /// `time`, ms since the Unix epoch.
    #[prost(uint64, tag = "6")]
    pub send_time: u64,
    /// `start`, ms since the Unix epoch.
    #[prost(uint64, tag = "7")]
    pub start_time: u64,
    /// `stale`, ms since the Unix epoch.
    #[prost(uint64, tag = "8")]
    pub stale_time: u64,
    /// `how` attribute.
    #[prost(string, tag = "9")]
    pub how: String,
    /// Latitude, WGS-84 degrees.
    #[prost(double, tag = "10")]
    pub lat: f64,
    /// Longitude, WGS-84 degrees.
    #[prost(double, tag = "11")]
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    #[prost(double, tag = "12")]
    pub hae: f64,
    /// Circular error, metres.
    #[prost(double, tag = "13")]
    pub ce: f64,
    /// Linear error, metres.
    #[prost(double, tag = "14")]
    pub le: f64,
    /// The detail: typed parts plus the rest as XML.
    #[prost(message, optional, tag = "15")]
    pub detail: Option<Detail>,
    /// `caveat` attribute (TAK Server schema).
    #[prost(string, tag = "16")]
    pub caveat: String,
    /// `releaseableTo` attribute (TAK Server schema).
    #[prost(string, tag = "17")]
    pub releaseable_to: String,
}

/// The detail of a [`CotEvent`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Detail {
    /// Every detail child not carried by a typed field, as XML without the
    /// `<detail>` wrapper.
    #[prost(string, tag = "1")]
    pub xml_detail: String,
    /// `<contact>`.
    #[prost(message, optional, tag = "2")]
    pub contact: Option<Contact>,
    /// `<__group>`.
    #[prost(message, optional, tag = "3")]
    pub group: Option<Group>,
    /// `<precisionlocation>`.
    #[prost(message, optional, tag = "4")]
    pub precision_location: Option<PrecisionLocation>,
    /// `<status>`.
    #[prost(message, optional, tag = "5")]
    pub status: Option<Status>,
    /// `<takv>`.
    #[prost(message, optional, tag = "6")]
    pub takv: Option<Takv>,
    /// `<track>`.
    #[prost(message, optional, tag = "7")]
    pub track: Option<Track>,
}

/// `<contact endpoint callsign/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Contact {
    /// `endpoint` (`*:-1:stcp`, `ip:4242:tcp`).
    #[prost(string, tag = "1")]
    pub endpoint: String,
    /// `callsign`.
    #[prost(string, tag = "2")]
    pub callsign: String,
}

/// `<__group name role/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Group {
    /// Team colour.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Team role.
    #[prost(string, tag = "2")]
    pub role: String,
}

/// `<precisionlocation geopointsrc altsrc/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PrecisionLocation {
    /// Source of the position (`GPS`, `USER`).
    #[prost(string, tag = "1")]
    pub geopointsrc: String,
    /// Source of the altitude (`GPS`, `DTED0`).
    #[prost(string, tag = "2")]
    pub altsrc: String,
}

/// `<status battery/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Status {
    /// Battery charge, percent.
    #[prost(uint32, tag = "1")]
    pub battery: u32,
}

/// `<takv device platform os version/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Takv {
    /// Device model.
    #[prost(string, tag = "1")]
    pub device: String,
    /// Client software (`ATAK-CIV`).
    #[prost(string, tag = "2")]
    pub platform: String,
    /// Operating system.
    #[prost(string, tag = "3")]
    pub os: String,
    /// Client version.
    #[prost(string, tag = "4")]
    pub version: String,
}

/// `<track speed course/>`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Track {
    /// Speed over ground, metres per second.
    #[prost(double, tag = "1")]
    pub speed: f64,
    /// Course, degrees clockwise from true north.
    #[prost(double, tag = "2")]
    pub course: f64,
}
