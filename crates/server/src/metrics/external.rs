//! Gauges set from outside the server by the program that embeds it (the
//! demo's count of simulated objects), printed with the subsystems' samples.
//! A server that nobody sets them on prints nothing more.

use parking_lot::Mutex;

use super::Sample;

/// Labelled gauges, each the latest value it was set to.
#[derive(Debug, Default)]
pub(crate) struct External {
    gauges: Mutex<Vec<Sample>>,
}

impl External {
    /// Sets the gauge `name{label}` to `value`, adding it the first time.
    pub(crate) fn set(
        &self,
        name: &'static str,
        help: &'static str,
        label: (&'static str, &str),
        value: f64,
    ) {
        let mut gauges = self.gauges.lock();
        let same = |s: &&mut Sample| {
            s.name == name
                && s.labels.len() == 1
                && s.labels
                    .first()
                    .is_some_and(|(k, v)| *k == label.0 && v == label.1)
        };
        match gauges.iter_mut().find(same) {
            Some(s) => s.value = value,
            None => gauges.push(Sample::gauge(name, help, value).with(label.0, label.1)),
        }
    }

    /// Every gauge set so far, in the order first set.
    pub(crate) fn samples(&self) -> Vec<Sample> {
        self.gauges.lock().clone()
    }
}
