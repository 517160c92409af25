//! `watchfloor flows counts` on a data folder's `flows.sqlite`: hours,
//! days and months summed from the stored bins, zero-filled, with the
//! coverage named; bad arguments and a folder without counts refused in
//! one line.

use flows::counts::{Bin, CountKey, CoverageBin, EventKind};
use flows::crossing::{Direction, TrackKind};
use store::FlowStore;

use super::ops::ok;
use crate::{failure, watchfloor};

/// 2024-03-01T00:00:00Z in hours since the epoch.
const MAR_1_H: i64 = 474_792;

fn bin(hour: i64, sector: &str, direction: Direction, n: u64) -> Bin {
    Bin {
        hour,
        key: CountKey {
            sector: sector.into(),
            direction,
            kind: TrackKind::Ground,
            event: EventKind::Crossing,
        },
        n,
    }
}

#[test]
fn counts_print_zero_filled_days_of_one_sector_with_their_coverage() {
    let tmp = tempfile::tempdir().expect("tmp");
    let store = store::SqliteFlows::open(&tmp.path().join("flows.sqlite")).expect("store");
    store
        .add_counts(
            &[
                bin(MAR_1_H + 1, "TCA", Direction::Northbound, 4),
                bin(MAR_1_H + 30, "TCA", Direction::Northbound, 2),
                bin(MAR_1_H + 30, "TCA", Direction::Southbound, 1),
                bin(MAR_1_H + 30, "RGV", Direction::Northbound, 9),
            ],
            &[CoverageBin {
                hour: MAR_1_H + 1,
                source: "RADAR 1".into(),
                updates: 120,
            }],
        )
        .expect("counts");
    drop(store);
    let dir = tmp.path().to_str().expect("utf-8 path");
    let v = json(&[
        "flows",
        "counts",
        "--data-dir",
        dir,
        "--sector",
        "TCA",
        "--by",
        "day",
        "--from",
        "2024-03-01T00:00:00Z",
        "--to",
        "2024-03-04T00:00:00Z",
    ]);
    assert_eq!(v["values"], serde_json::json!([4, 3, 0]), "{v}");
    assert_eq!(v["total"], 7);
    assert_eq!(v["starts"][1], "2024-03-02T00:00:00.000Z");
    assert_eq!(v["coverage"]["covered_hours"], 1);
    assert_eq!(v["coverage"]["sources"][0]["source"], "RADAR 1");

    let north = watchfloor(&[
        "flows",
        "counts",
        "--data-dir",
        dir,
        "--by",
        "month",
        "--direction",
        "northbound",
        "--from",
        "2024-03-01T00:00:00Z",
        "--to",
        "2024-04-01T00:00:00Z",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&north.stdout).expect("json");
    assert_eq!(
        v["values"],
        serde_json::json!([15]),
        "every sector, northbound: {v}"
    );

    for (args, says) in [
        (vec!["--by", "weekly"], "resolution"),
        (vec!["--from", "yesterday"], "--from"),
        (vec!["--kind", "person"], "--kind"),
        (
            vec!["--from", "1990-01-01T00:00:00Z", "--by", "hour"],
            "bins",
        ),
    ] {
        let mut all = vec!["flows", "counts", "--data-dir", dir];
        all.extend(args);
        let err = failure(&all);
        assert!(err.contains(says), "{all:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let empty = tempfile::tempdir().expect("tmp");
    let err = failure(&[
        "flows",
        "counts",
        "--data-dir",
        empty.path().to_str().expect("utf-8"),
    ]);
    assert!(err.contains("no flow counts"), "{err}");
}

/// The Border Patrol tables shipped as test data, FY2000–FY2016.
fn usbp_tables() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../flows/testdata/official");
    (2000..=2016)
        .map(|fy| dir.join(format!("usbp_monthly_fy{fy}.txt")))
        .collect()
}

/// Runs a command that must succeed; its output as JSON.
fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).expect("json")
}

/// `flows import` of the seventeen Border Patrol tables; what it prints.
fn import_tables(data_arg: &str) -> serde_json::Value {
    let mut args = vec!["flows".to_string(), "import".into(), data_arg.to_string()];
    args.extend(usbp_tables().iter().map(|p| p.display().to_string()));
    json(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn official_tables_import_whole_and_the_detectors_find_the_2014_rio_grande_valley_surge() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let data_arg = format!("--data-dir={}", data.display());
    let v = import_tables(&data_arg);
    assert_eq!(v["files"].as_array().map(Vec::len), Some(17), "{v}");
    assert_eq!(v["files"][0]["layout"], "usbp_monthly");

    let v = json(&[
        "flows",
        "detect",
        &data_arg,
        "--series",
        "official:USBP/Southwest/RGV",
    ]);
    assert_eq!(v["bins"], 204, "FY2000 to FY2016: {v}");
    assert_eq!(v["total"], 1_918_020, "{v}");
    let alerts = v["alerts"].as_array().expect("alerts");
    assert!(
        alerts.iter().any(|a| {
            let (from, to) = (
                a["from"].as_str().unwrap_or(""),
                a["to"].as_str().unwrap_or(""),
            );
            a["shift"] == "up" && from <= "2014-06" && to >= "2014-05"
        }),
        "the spring 2014 surge: {alerts:#?}"
    );
    assert!(
        alerts.len() <= 12,
        "few alerts in seventeen years: {}",
        alerts.len()
    );
    for a in alerts {
        for field in [
            "method",
            "observed",
            "expected",
            "score",
            "threshold",
            "from",
            "to",
        ] {
            assert!(!a[field].is_null(), "{field} in {a}");
        }
    }
}

#[test]
fn a_bad_official_file_stores_nothing_and_names_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let data_arg = format!("--data-dir={}", data.display());
    let good = &usbp_tables()[14];
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Fiscal Year,Month Grouping,Month (abbv),Land Border Region,State,Demographic,Citizenship,Title of Authority,Encounter Count\n2021,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,12\n2021,FYTD,NOV,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,-3\n",
    )
    .expect("write");
    let err = failure(&[
        "flows",
        "import",
        &data_arg,
        &good.display().to_string(),
        &bad.display().to_string(),
    ]);
    assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");
    let err = failure(&["flows", "rebuild", &data_arg]);
    assert!(err.contains("no CoT history"), "{err}");
    let err = failure(&["flows", "detect", &data_arg, "--series", "official:RGV"]);
    assert!(
        err.contains("does not exist") || err.contains("no official series"),
        "{err}"
    );
}

#[test]
fn simulated_counts_are_labelled_and_their_surge_is_found() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data_arg = format!("--data-dir={}", tmp.path().display());
    let surge = json(&["flows", "simulate", &data_arg, "--surge-hours", "6"]);
    let v = &surge;
    assert_eq!(
        (v["simulated"].clone(), v["hours"].clone()),
        (true.into(), 1680.into()),
        "{v}"
    );
    let v = json(&["flows", "detect", &data_arg, "--series", "counts:TCA"]);
    let alerts = v["alerts"].as_array().expect("alerts");
    assert!(
        alerts
            .iter()
            .any(|a| a["shift"] == "up" && a["observed"].as_f64() > a["expected"].as_f64()),
        "{alerts:#?}"
    );
    // The rhythm itself raises nothing: every alert is the surge's.
    let surge_from = surge["surge"]["from"]
        .as_str()
        .expect("surge start")
        .to_string();
    assert!(
        alerts
            .iter()
            .all(|a| a["shift"] == "up" && a["to"].as_str() > Some(surge_from.as_str())),
        "{alerts:#?}"
    );
    let v = json(&[
        "flows", "counts", &data_arg, "--sector", "TCA", "--by", "day",
    ]);
    let sources = v["coverage"]["sources"].to_string();
    assert!(sources.contains("SIMULATED history"), "{sources}");
    // Run again: the covered hours are not written twice.
    let v = json(&["flows", "simulate", &data_arg]);
    assert!(v["hours"].as_u64() <= Some(1), "{v}");
}

#[test]
fn the_flow_report_renders_counts_anomalies_official_figures_method_and_provenance() {
    use super::ops::{pdf_text, poppler};
    let tmp = tempfile::tempdir().expect("tmp");
    let data_arg = format!("--data-dir={}", tmp.path().display());
    ok(&["flows", "simulate", &data_arg, "--surge-hours", "6"]);
    import_tables(&data_arg);
    let from = cot::Time::from_millis(
        (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs() as i64
            - 2 * 86_400)
            * 1_000,
    )
    .to_string();
    let pdf = tmp.path().join("flows.pdf");
    let html = tmp.path().join("flows.html");
    for out_file in [&pdf, &html] {
        let out = watchfloor(&[
            "flows",
            "report",
            &data_arg,
            "--sector",
            "tca",
            "--from",
            &from,
            "--out",
            &out_file.display().to_string(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let page = std::fs::read_to_string(&html).expect("html");
    for part in [
        "Flow report: TCA",
        "SIMULATION",
        "anomalies and their evidence",
        "seasonal",
        "USBP/Southwest/TCA",
        "Provenance",
        "SIMULATED history",
        "no person is identified or followed",
    ] {
        assert!(page.contains(part), "{part:?} in the HTML report");
    }
    let err = failure(&[
        "flows",
        "report",
        &data_arg,
        "--sector",
        "XYZ",
        "--out",
        "/dev/null",
    ]);
    assert!(err.contains("unknown sector \"XYZ\""), "{err}");
    if !poppler() {
        return;
    }
    let text = pdf_text(&pdf);
    for part in [
        "Flow report: TCA",
        "SIMULATION",
        "p = ",
        "Method",
        "Hours covered",
    ] {
        assert!(
            text.contains(part),
            "{part:?} in the PDF read back:\n{text}"
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts/flows");
    std::fs::create_dir_all(&dir).expect("artifacts");
    let stem = dir.join("flow-report");
    let png = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm");
    assert!(png.success());
    let bytes = std::fs::read(stem.with_extension("png")).expect("png");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 5_000);
}
