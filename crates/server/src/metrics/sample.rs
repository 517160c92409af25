//! Metrics a subsystem reports when `/metrics` is scraped (the router's
//! picture, the store's writer, the sensor side, the build), as opposed to
//! the atomics declared in the registry.

use std::fmt::Write as _;

/// The Prometheus type of a [`Sample`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Only ever goes up (its name ends in `_total`).
    Counter,
    /// A value now.
    Gauge,
}

/// One sample: a name without the `watchfloor_` prefix, its HELP text, its
/// kind, its labels (few: a sensor, a sensor and its status), and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sample {
    pub(crate) name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) kind: Kind,
    pub(crate) labels: Vec<(&'static str, String)>,
    pub(crate) value: f64,
}

impl Sample {
    /// A counter; `name` must end in `_total`.
    pub(crate) fn counter(name: &'static str, help: &'static str, value: u64) -> Sample {
        debug_assert!(name.ends_with("_total"), "{name}");
        Sample {
            name,
            help,
            kind: Kind::Counter,
            labels: Vec::new(),
            value: value as f64,
        }
    }

    /// A gauge.
    pub(crate) fn gauge(name: &'static str, help: &'static str, value: f64) -> Sample {
        Sample {
            name,
            help,
            kind: Kind::Gauge,
            labels: Vec::new(),
            value,
        }
    }

    /// The same sample with one more label (e.g. `sensor="radar-1"`).
    pub(crate) fn with(mut self, label: &'static str, value: impl Into<String>) -> Sample {
        self.labels.push((label, value.into()));
        self
    }
}

/// Appends `samples` in Prometheus text form: the samples of one name
/// together under one HELP and TYPE, names in the order first seen.
pub(crate) fn write(out: &mut String, samples: &[Sample]) {
    let mut names: Vec<&'static str> = Vec::new();
    for s in samples {
        if !names.contains(&s.name) {
            names.push(s.name);
        }
    }
    for name in names {
        let mut first = true;
        for s in samples.iter().filter(|s| s.name == name) {
            if first {
                let kind = match s.kind {
                    Kind::Counter => "counter",
                    Kind::Gauge => "gauge",
                };
                // Writing to a String cannot fail.
                let _ = writeln!(
                    out,
                    "# HELP watchfloor_{name} {}\n# TYPE watchfloor_{name} {kind}",
                    s.help
                );
                first = false;
            }
            let _ = write!(out, "watchfloor_{name}");
            for (i, (k, v)) in s.labels.iter().enumerate() {
                let open = if i == 0 { "{" } else { "," };
                let _ = write!(out, "{open}{k}=\"{}\"", escape(v));
            }
            let close = if s.labels.is_empty() { "" } else { "}" };
            let _ = writeln!(out, "{close} {}", s.value);
        }
    }
}

/// A label value as the text format wants it: backslash, quote and newline
/// escaped (sensor ids come from the operator's config).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_of_one_name_share_their_help_and_labels_are_escaped() {
        let mut out = String::new();
        write(
            &mut out,
            &[
                Sample::counter("a_total", "A.", 3),
                Sample::gauge("seen_seconds", "Seen.", 1.5).with("sensor", "r1"),
                Sample::gauge("b", "B.", 0.0),
                Sample::gauge("seen_seconds", "Seen.", 2.0).with("sensor", "odd\"id"),
                Sample::gauge("status", "S.", 1.0)
                    .with("sensor", "r1")
                    .with("status", "late"),
            ],
        );
        assert_eq!(
            out,
            "# HELP watchfloor_a_total A.\n# TYPE watchfloor_a_total counter\nwatchfloor_a_total 3\n\
             # HELP watchfloor_seen_seconds Seen.\n# TYPE watchfloor_seen_seconds gauge\n\
             watchfloor_seen_seconds{sensor=\"r1\"} 1.5\nwatchfloor_seen_seconds{sensor=\"odd\\\"id\"} 2\n\
             # HELP watchfloor_b B.\n# TYPE watchfloor_b gauge\nwatchfloor_b 0\n\
             # HELP watchfloor_status S.\n# TYPE watchfloor_status gauge\n\
             watchfloor_status{sensor=\"r1\",status=\"late\"} 1\n"
        );
    }
}
