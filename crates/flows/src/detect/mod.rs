//! Baselines and anomaly detectors over count series (being written).
