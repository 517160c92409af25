//! SIMULATED counts for the detectors' examples and tests: SplitMix64 and
//! the few distributions the simulation needs, and the hourly rhythm of
//! crossings. One file, included by `detect_eval`, `detect_bench` and the
//! crate's detector tests (`#[path]`), so all three simulate alike.
#![allow(dead_code)] // each includer uses its own part

/// SplitMix64, and the few distributions the simulation needs.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub(crate) fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang.
    pub(crate) fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.unit();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.unit();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Poisson by inversion (means here stay below a few hundred).
    pub(crate) fn poisson(&mut self, lambda: f64) -> u64 {
        let u = self.unit();
        let mut k = 0u64;
        let mut p = (-lambda).exp();
        let mut cdf = p;
        while u > cdf && k < 100_000 {
            k += 1;
            p *= lambda / k as f64;
            cdf += p;
        }
        k
    }

    /// Negative binomial with mean `mu` and size `r`, as the gamma-Poisson
    /// mixture.
    pub(crate) fn neg_binomial(&mut self, mu: f64, r: f64) -> u64 {
        let lambda = self.gamma(r) * mu / r;
        self.poisson(lambda)
    }
}

/// The rhythm: crossings peak in the small hours, and on weekends.
pub(crate) fn rhythm(t: usize) -> f64 {
    let hour = (t % 24) as f64;
    let day = (t / 24) % 7;
    let daily = 1.0 + 0.6 * (std::f64::consts::TAU * (hour - 3.0) / 24.0).cos();
    let weekly = if day >= 5 { 1.25 } else { 1.0 };
    daily * weekly
}
