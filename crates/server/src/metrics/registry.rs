//! The declarative registry behind [`Metrics`](super::Metrics): each metric
//! is declared once, and that one declaration gives its atomic field, its
//! doc comment and its lines in the Prometheus text exposition.
//!
//! A declaration lists, in the order `/metrics` prints them:
//! - plain metrics: `field: gauge|counter "name" "HELP text",`
//! - unexported counters (kept in memory, read by tests, not printed);
//! - the subsystems' samples (`Sample`), which always come next;
//! - labelled families whose members are fields:
//!   `"name" counter "HELP", by label { field = "value", }`;
//! - labelled families indexed by a generated enum, one counter per variant:
//!   `"name" counter "HELP", by label, in field: Enum { Variant = "value", }`.
//!
//! Names are written without the `watchfloor_` prefix, which every line gets.

use std::fmt::Write as _;

/// Writes one unlabelled metric: its HELP and TYPE lines and its sample.
pub(super) fn single(out: &mut String, name: &str, kind: &str, help: &str, v: u64) {
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "# HELP watchfloor_{name} {help}\n# TYPE watchfloor_{name} {kind}\nwatchfloor_{name} {v}"
    );
}

/// Writes the HELP and TYPE lines of a labelled family.
pub(super) fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(
        out,
        "# HELP watchfloor_{name} {help}\n# TYPE watchfloor_{name} {kind}"
    );
}

/// Writes one sample of a labelled family.
pub(super) fn member(out: &mut String, name: &str, label: &str, value: &str, v: u64) {
    let _ = writeln!(out, "watchfloor_{name}{{{label}=\"{value}\"}} {v}");
}

/// The Prometheus TYPE word of a declared kind; any other word does not compile.
macro_rules! kind {
    (gauge) => {
        "gauge"
    };
    (counter) => {
        "counter"
    };
}

/// Generates the metrics struct, the enums of enum-indexed families and
/// `render`, from one declaration per metric (see the module docs).
macro_rules! registry {
    (
        $(#[$smeta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident: $kind:ident $pname:literal $help:literal,
            )*
        }
        unexported {
            $( $(#[doc = $udoc:literal])* $ufield:ident, )*
        }
        families {
            $(
                $fname:literal $fkind:ident $fhelp:literal, by $flabel:ident {
                    $( $(#[doc = $mdoc:literal])* $mfield:ident = $mvalue:literal, )*
                }
            )*
        }
        kinds {
            $(
                $kname:literal $kkind:ident $khelp:literal, by $klabel:ident,
                in $kfield:ident: $(#[$emeta:meta])* $enum:ident {
                    $( $(#[doc = $vdoc:literal])* $variant:ident = $vlabel:literal, )*
                }
            )*
        }
    ) => {
        $(
            $(#[$emeta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum $enum {
                $( $(#[doc = $vdoc])* $variant, )*
            }

            impl $enum {
                const ALL: [Self; [$(Self::$variant),*].len()] = [$(Self::$variant),*];

                fn label(self) -> &'static str {
                    match self {
                        $( Self::$variant => $vlabel, )*
                    }
                }
            }
        )*

        $(#[$smeta])*
        #[derive(Debug, Default)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: AtomicU64, )*
            $( $(#[doc = $udoc])* pub $ufield: AtomicU64, )*
            $( $( $(#[doc = $mdoc])* pub $mfield: AtomicU64, )* )*
            $( $kfield: [AtomicU64; $enum::ALL.len()], )*
            /// Gauges the embedding program sets ([`Metrics::set_gauge`]).
            external: $crate::metrics::external::External,
        }

        impl $name {
            /// Prometheus text exposition of these counters plus the extra
            /// `(name, help, value)` gauges the caller provides (router and store).
            pub(crate) fn render(&self, extra: &[$crate::metrics::Sample]) -> String {
                let mut out = String::with_capacity(4096);
                $(
                    registry::single(&mut out, $pname, registry::kind!($kind), $help, self.$field.load(Relaxed));
                )*
                // One list, so a name both give is written under one HELP.
                let mut samples = extra.to_vec();
                samples.extend(self.external.samples());
                $crate::metrics::sample::write(&mut out, &samples);
                $(
                    registry::family(&mut out, $fname, registry::kind!($fkind), $fhelp);
                    $(
                        registry::member(&mut out, $fname, stringify!($flabel), $mvalue, self.$mfield.load(Relaxed));
                    )*
                )*
                $(
                    registry::family(&mut out, $kname, registry::kind!($kkind), $khelp);
                    for k in $enum::ALL {
                        registry::member(&mut out, $kname, stringify!($klabel), k.label(), self.$kfield[k as usize].load(Relaxed));
                    }
                )*
                out
            }
        }
    };
}

pub(super) use {kind, registry};
