use std::io::Cursor;
use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/official")
        .join(name)
}

fn read_data(name: &str) -> String {
    std::fs::read_to_string(data_path(name)).expect("test data file")
}

fn month(year: i32, m: u8) -> Month {
    Month::new(year, m).expect("month")
}

fn usbp_file(fy: i32) -> Import {
    let name = format!("usbp_monthly_fy{fy}.txt");
    import(&read_data(&name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn series<'a>(all: &'a [Series], component: &str, region: &str, sector: &str) -> &'a Series {
    let key = Key::new(component, region, sector);
    all.iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no series {key}"))
}

fn fiscal_year_total(s: &Series, fy: i32) -> u64 {
    s.points
        .iter()
        .filter(|(m, _)| m.fiscal_year() == fy)
        .map(|(_, v)| v)
        .sum()
}

/// A bad input, the variant it must give, and the line.
type Case = (String, fn(&ImportError) -> bool, usize);

const STATE_FILE: &str = "cbp-nationwide-encounters-fy20-fy23-state.csv";

const AOR_HEADER: &str = "Fiscal Year,Month Grouping,Month (abbv),Component,Land Border Region,\
Area of Responsibility,AOR (Abbv),Demographic,Citizenship,Title of Authority,Encounter Type,Encounter Count";

fn aor_row(fy: &str, month: &str, aor: &str, count: &str) -> String {
    format!(
        "{fy},FYTD,{month},U.S. Border Patrol,Southwest Land Border,{aor} Sector,{aor},\
Single Adults,\"CHINA, PEOPLES REPUBLIC OF\",Title 8,Apprehensions,{count}"
    )
}

fn aor_file(rows: &[String]) -> String {
    let mut text = AOR_HEADER.to_owned();
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text
}

/// A small table in the real layout, with a wrapped name and N/A.
fn small_table() -> String {
    let months =
        "October|November|December|January|February|March|April|May|June|July|August|September";
    let ones = "1|1|1|1|1|1|1|1|1|1|1|1|12";
    let twos = "2|2|2|2|2|2|2|2|2|2|2|2|24";
    let na = "N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A|N/A";
    format!(
        "United States Border Patrol\nTotal Illegal Alien Apprehensions By Month - FY 2014\nYearly\n\
SECTOR|{months}\nTotal\nLivermore*|{na}\n\nMiami|{ones}\n\nBlaine|{ones}\nBig Bend\n{ones}\n\
(formerly Marfa)\nCoastal Border|{ones}\n\nNorthern Border|{ones}\n\nSouthwest Border|{ones}\n\n\
Monthly Total|3|3|3|3|3|3|3|3|3|3|3|3|36\n*Livermore Sector was closed after FY 2004\n\x0c"
    )
    .replace("{twos}", twos)
}

#[test]
fn every_usbp_table_imports_with_every_sector_and_no_mismatch() {
    for fy in 2000..=2016 {
        let i = usbp_file(fy);
        assert_eq!(i.layout, Layout::UsbpMonthly);
        assert_eq!(i.rows, 25, "FY{fy}: 21 sectors and 4 totals");
        assert_eq!(i.series.len(), 25);
        assert_eq!(
            i.months,
            Some((month(fy - 1, 10), month(fy, 9))),
            "FY{fy} months"
        );
        let text: Vec<String> = i.warnings.iter().map(ToString::to_string).collect();
        assert!(i.warnings.is_empty(), "FY{fy}: {text:?}");
    }
}

#[test]
fn fy2000_totals_are_the_published_ones() {
    let i = usbp_file(2000);
    let sw = series(&i.series, "USBP", "Southwest", "Southwest");
    assert_eq!(sw.total(), 1_643_679);
    let nation = series(&i.series, "USBP", "Total", "Total");
    assert_eq!(nation.total(), 1_676_438);
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "TCA").get(month(2000, 3)),
        Some(76_245)
    );
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "BBT").total(),
        13_689
    );
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "RGV").total(),
        133_243
    );
}

#[test]
fn fy2014_rio_grande_valley_is_the_surge() {
    let i = usbp_file(2014);
    let rgv = series(&i.series, "USBP", "Southwest", "RGV");
    assert_eq!(rgv.total(), 256_393);
    assert_eq!(rgv.get(month(2014, 6)), Some(38_446));
    assert_eq!(i.notes, ["*Livermore Sector was closed after FY 2004"]);
}

#[test]
fn seventeen_tables_merge_into_one_series_per_sector() {
    let imports: Vec<Import> = (2000..=2016).map(usbp_file).collect();
    let merged = merge(&imports).expect("merge");
    assert_eq!(merged.len(), 25);
    let (from, to) = (month(1999, 10), month(2016, 9));
    let rgv = series(&merged, "USBP", "Southwest", "RGV");
    assert_eq!(rgv.span(), Some((from, to)));
    assert_eq!(rgv.contiguous(from, to).len(), 204);
    assert!(rgv.missing(from, to).is_empty());
    for s in &merged {
        if s.key.sector != "LIV" {
            assert_eq!(s.points.len(), 204, "{}", s.key);
        }
    }
    assert_eq!(
        fiscal_year_total(series(&merged, "USBP", "Southwest", "RGV"), 2014),
        256_393
    );
}

#[test]
fn livermore_after_it_closed_is_absent_not_zero() {
    let imports: Vec<Import> = (2000..=2016).map(usbp_file).collect();
    let merged = merge(&imports).expect("merge");
    let liv = series(&merged, "USBP", "Coastal", "LIV");
    assert_eq!(liv.span(), Some((month(1999, 10), month(2005, 9))));
    // FY2005 still has its last, small figures, zeros included.
    assert_eq!(fiscal_year_total(liv, 2005), 114);
    assert_eq!(liv.get(month(2005, 8)), Some(0));
    assert_eq!(liv.get(month(2006, 1)), None);
    let (from, to) = (month(2005, 9), month(2005, 12));
    assert_eq!(liv.contiguous(from, to), [Some(5), None, None, None]);
    assert_eq!(liv.zero_filled(from, to), [5, 0, 0, 0]);
    assert_eq!(
        liv.missing(from, to),
        [month(2005, 10), month(2005, 11), month(2005, 12)]
    );
    assert_eq!(liv.missing(month(2005, 10), month(2016, 9)).len(), 132);
}

#[test]
fn every_sector_months_sum_to_the_yearly_figure_as_printed() {
    // Independent of the importer's own check: read the yearly column here.
    for fy in 2000..=2016 {
        let text = read_data(&format!("usbp_monthly_fy{fy}.txt"));
        let i = usbp_file(fy);
        for line in text.lines().filter(|l| l.matches('|').count() >= 12) {
            let Some(yearly) = line.rsplit('|').next() else {
                continue;
            };
            if line.starts_with("SECTOR") || yearly == "N/A" {
                continue;
            }
            let yearly: u64 = yearly.replace(',', "").parse().expect("yearly");
            let fields: Vec<u64> = line
                .split('|')
                .filter_map(|f| f.replace(',', "").parse().ok())
                .collect();
            let months: u64 = fields[..12].iter().sum();
            assert_eq!(months, yearly, "FY{fy}: {line}");
        }
        assert!(i.warnings.is_empty());
    }
}

#[test]
fn a_published_mismatch_is_a_warning_with_line_and_both_values() {
    let text = read_data("usbp_monthly_fy2000.txt").replace("Tucson|32,384|", "Tucson|32,385|");
    let i = import(&text).expect("import");
    assert!(i.warnings.contains(&Warning::Mismatch {
        line: 44,
        total: "Tucson".into(),
        of: "months".into(),
        month: None,
        published: 616_346,
        computed: 616_347,
    }));
    assert!(i.warnings.contains(&Warning::Mismatch {
        line: 52,
        total: "Southwest Border".into(),
        of: "sectors".into(),
        month: Some(month(1999, 10)),
        published: 91_410,
        computed: 91_411,
    }));
    assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    let shown = i.warnings[0].to_string();
    assert!(shown.starts_with("line "), "{shown}");
}

#[test]
fn the_small_table_reads_wrapped_names_na_and_notes() {
    let i = import(&small_table()).expect("import");
    assert_eq!(i.rows, 8);
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    let liv = series(&i.series, "USBP", "Coastal", "LIV");
    assert!(liv.points.is_empty());
    assert_eq!(series(&i.series, "USBP", "Southwest", "BBT").total(), 12);
    let notify = small_table().replace("United States", "NOTIFY: United States");
    assert_eq!(import(&notify).expect("FY inside a word").series, i.series);
}

#[test]
fn usbp_tables_with_crlf_bom_and_leading_blank_lines_read_the_same() {
    let plain = import(&small_table()).expect("plain");
    let dressed = format!("\u{feff}\n\x0c\n{}", small_table().replace('\n', "\r\n"));
    let i = import(&dressed).expect("dressed");
    assert_eq!(i.series, plain.series);
    let bad = dressed.replace("Miami|1|", "Miami|x|");
    assert!(matches!(
        import(&bad),
        Err(ImportError::NotACount { line: 10, .. })
    ));
}

#[test]
fn usbp_errors_name_the_line() {
    let t = small_table();
    let cases: Vec<Case> = vec![
        (
            t.replace("Miami|", "Atlantis|"),
            |e| matches!(e, ImportError::UnknownSector { .. }),
            8,
        ),
        (
            t.replace("Miami|1|", "Miami|-1|"),
            |e| matches!(e, ImportError::NegativeCount { .. }),
            8,
        ),
        (
            t.replace("Miami|1|", "Miami|1e3|"),
            |e| matches!(e, ImportError::NotACount { .. }),
            8,
        ),
        (
            t.replace("Miami|1|1|", "Miami|1|"),
            |e| {
                matches!(
                    e,
                    ImportError::FieldCount {
                        expected: 14,
                        found: 13,
                        ..
                    }
                )
            },
            8,
        ),
        (
            t.replace("|March|", "|Marz|"),
            |e| matches!(e, ImportError::UnknownMonth { .. }),
            4,
        ),
        (
            t.replace("|March|April|", "|April|March|"),
            |e| matches!(e, ImportError::UnknownMonth { .. }),
            4,
        ),
        (
            t.replace("Blaine|", "Miami|"),
            |e| matches!(e, ImportError::DuplicateSector { .. }),
            10,
        ),
        (
            t.replace("FY 2014", "FY 14"),
            |e| matches!(e, ImportError::BadFiscalYear { .. }),
            2,
        ),
        (
            t.replace("Big Bend\n", "Big Bend\nPage 2\n"),
            |e| matches!(e, ImportError::UnexpectedLine { .. }),
            12,
        ),
        (
            t.replace("Blaine|", ""),
            |e| matches!(e, ImportError::UnexpectedLine { .. }),
            10,
        ),
    ];
    for (text, is_variant, line) in cases {
        let e = import(&text).expect_err("must fail");
        assert!(is_variant(&e), "{e:?}");
        assert_eq!(e.line(), Some(line), "{e}");
    }
}

#[test]
fn a_cut_off_table_is_refused() {
    let t = small_table();
    let cut = &t[..t.find("Southwest Border").expect("line")];
    let e = import(cut).expect_err("cut");
    assert!(
        matches!(
            e,
            ImportError::Incomplete {
                missing: "Southwest Border",
                ..
            }
        ),
        "{e:?}"
    );
    let cut = &t[..t.find("Monthly Total").expect("line") + 20];
    let e = import(cut).expect_err("cut in a line");
    assert!(
        matches!(e, ImportError::FieldCount { line: 20, .. }),
        "{e:?}"
    );
    let cut = &t[..t.find("(formerly").expect("line") - 4];
    let e = import(cut).expect_err("cut in a line");
    assert!(
        matches!(
            e,
            ImportError::FieldCount {
                line: 12,
                expected: 13,
                ..
            }
        ),
        "{e:?}"
    );
    let cut = &t[..t.find("SECTOR").expect("line")];
    assert!(matches!(
        import(cut),
        Err(ImportError::UnknownLayout { line: 1, .. })
    ));
}

#[test]
fn the_state_file_imports_whole() {
    let i = import(&read_data(STATE_FILE)).expect("state file");
    assert_eq!(i.layout, Layout::CbpState);
    assert_eq!(i.rows, 42_532);
    assert_eq!(i.months, Some((month(2019, 10), month(2023, 9))));
    assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    for s in &i.series {
        assert_eq!(s.points.len(), 48, "{} has every month", s.key);
    }
    let tx = series(&i.series, "CBP", "Southwest", "TX");
    let sw = series(&i.series, "CBP", "Southwest", "Southwest");
    let total = series(&i.series, "CBP", "Total", "Total");
    assert!(tx.total() < sw.total() && sw.total() < total.total());
    let rows_total: u64 = i.titles.values().map(|t| t.encounters).sum();
    assert_eq!(rows_total, total.total());
    let rows: usize = i.titles.values().map(|t| t.rows).sum();
    assert_eq!(rows, 42_532);
}

#[test]
fn title_42_rows_lie_in_the_title_42_period() {
    let i = import(&read_data(STATE_FILE)).expect("state file");
    let t42 = &i.titles["Title 42"];
    let (first, last) = t42.months;
    assert!(
        first >= month(2020, 3) && last <= month(2023, 5),
        "{first} {last}"
    );
    let nonzero = t42.nonzero_months.expect("title 42 encounters");
    assert_eq!(nonzero, (month(2020, 3), month(2023, 5)));
    let t8 = &i.titles["Title 8"];
    assert_eq!(t8.months, (month(2019, 10), month(2023, 9)));
}

#[test]
fn the_state_file_reads_from_a_reader_within_its_limit() {
    let text = read_data(STATE_FILE);
    let n = text.len() as u64;
    let i = import_reader(Cursor::new(text.as_bytes()), n).expect("at the limit");
    assert_eq!(i.rows, 42_532);
    let e = import_reader(Cursor::new(text.as_bytes()), n - 1).expect_err("over");
    assert_eq!(e, ImportError::TooLarge { max_bytes: n - 1 });
}

#[test]
fn a_huge_input_is_refused_after_reading_one_byte_past_the_limit() {
    struct Endless(u64);
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'1');
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
    }
    let mut source = Endless(0);
    let e = import_reader(std::io::BufReader::new(&mut source), 1_000).expect_err("huge");
    assert_eq!(e, ImportError::TooLarge { max_bytes: 1_000 });
    assert!(source.0 <= 1_000 + 8_192, "read {}", source.0);
}

#[test]
fn aor_rows_sum_per_sector_region_and_component() {
    let text = aor_file(&[
        aor_row("2024", "OCT", "RGV", "5"),
        aor_row("2024", "OCT", "RGV", "7"),
        aor_row("2024", "NOV", "TCA", "0"),
        aor_row("2025 (FYTD)", "JAN", "TCA", "\"1,200\""),
        "2024,FYTD,OCT,Office of Field Operations,Other,Miami Field Office,Miami,FMUA,CUBA,Title 8,Inadmissibles,3".into(),
        "2024,FYTD,OCT,U.S. Border Patrol,Other,Miami Sector,MIP,FMUA,CUBA,Title 42,Expulsions,2".into(),
    ]);
    let i = import(&text).expect("aor");
    assert_eq!(i.layout, Layout::CbpAor);
    assert_eq!(i.rows, 6);
    assert_eq!(i.months, Some((month(2023, 10), month(2025, 1))));
    let rgv = series(&i.series, "USBP", "Southwest", "RGV");
    assert_eq!(rgv.get(month(2023, 10)), Some(12));
    assert_eq!(rgv.get(month(2023, 11)), Some(0));
    assert_eq!(rgv.get(month(2023, 12)), None, "not in the file");
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "TCA").get(month(2025, 1)),
        Some(1_200)
    );
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "Southwest").total(),
        1_212
    );
    assert_eq!(series(&i.series, "USBP", "Coastal", "MIP").total(), 2);
    assert_eq!(series(&i.series, "USBP", "Total", "Total").total(), 1_214);
    assert_eq!(series(&i.series, "OFO", "Other", "Miami").total(), 3);
    assert_eq!(i.titles["Title 42"].rows, 1);
}

#[test]
fn aor_headers_match_by_name_in_any_order_case_and_spacing() {
    let mut names: Vec<&str> = AOR_HEADER.split(',').collect();
    names.reverse();
    let header = names
        .iter()
        .map(|n| format!("  {}  ", n.to_uppercase()))
        .collect::<Vec<_>>()
        .join(",");
    let row = "3,Apprehensions,Title 8,MEXICO,Single Adults,YUM,Yuma Sector,Southwest Land Border,U.S. Border Patrol,MAR,FYTD,2021";
    let i = import(&format!("{header}\r\n{row}\r\n")).expect("reordered");
    assert_eq!(
        series(&i.series, "USBP", "Southwest", "YUM").get(month(2021, 3)),
        Some(3)
    );
}

#[test]
fn a_header_only_file_has_no_rows_and_no_months() {
    let i = import(&format!("{AOR_HEADER}\n")).expect("header only");
    assert_eq!((i.rows, i.months, i.series.len()), (0, None, 0));
}

#[test]
fn bom_form_feed_and_crlf_before_a_csv_are_skipped_and_counted() {
    let crlf = aor_file(&[aor_row("2021", "MAR", "ELC", "x")]).replace('\n', "\r\n");
    let text = format!("\u{feff}\x0c\r\n\r\n{crlf}");
    let e = import(&text).expect_err("bad count");
    assert!(matches!(e, ImportError::NotACount { line: 4, .. }), "{e:?}");
    let good = text.replace(",x\r\n", ",4\r\n");
    assert_eq!(import(&good).expect("good").rows, 1);
}

#[test]
fn csv_errors_name_the_line_and_what_is_wrong() {
    let ok = aor_row("2021", "MAR", "ELC", "4");
    let missing = AOR_HEADER.replace(",Title of Authority", "");
    let cases: Vec<Case> = vec![
        (
            format!("{missing}\n{ok}\n"),
            |e| {
                matches!(
                    e,
                    ImportError::MissingColumn {
                        column: "Title of Authority",
                        ..
                    }
                )
            },
            1,
        ),
        (
            aor_file(&[ok.clone(), format!("{ok},9")]),
            |e| {
                matches!(
                    e,
                    ImportError::FieldCount {
                        expected: 12,
                        found: 13,
                        ..
                    }
                )
            },
            3,
        ),
        (
            aor_file(&[ok.clone(), ok.clone(), "2021,FYTD,MAR".into()]),
            |e| {
                matches!(
                    e,
                    ImportError::FieldCount {
                        expected: 12,
                        found: 3,
                        ..
                    }
                )
            },
            4,
        ),
        (
            aor_file(&[aor_row("2021", "MAR", "ELC", "-4")]),
            |e| matches!(e, ImportError::NegativeCount { .. }),
            2,
        ),
        (
            aor_file(&[aor_row("2021", "MAR", "ELC", "four")]),
            |e| matches!(e, ImportError::NotACount { .. }),
            2,
        ),
        (
            aor_file(&[aor_row("2021", "MAR", "ELC", "99999999999999999999999")]),
            |e| matches!(e, ImportError::CountOverflow { .. }),
            2,
        ),
        (
            aor_file(&[ok.clone(), aor_row("2021", "SEPT", "ELC", "4")]),
            |e| matches!(e, ImportError::UnknownMonth { .. }),
            3,
        ),
        (
            aor_file(&[aor_row("FY21", "MAR", "ELC", "4")]),
            |e| matches!(e, ImportError::BadFiscalYear { .. }),
            2,
        ),
        (
            aor_file(&[aor_row("2021", "MAR", "", "4")]),
            |e| {
                matches!(
                    e,
                    ImportError::UnknownValue {
                        column: "AOR (Abbv)",
                        ..
                    }
                )
            },
            2,
        ),
        (
            aor_file(&[ok.replace("U.S. Border Patrol", "Coast Guard")]),
            |e| {
                matches!(
                    e,
                    ImportError::UnknownValue {
                        column: "Component",
                        ..
                    }
                )
            },
            2,
        ),
        (
            format!("{AOR_HEADER},Component\n{ok},x\n"),
            |e| matches!(e, ImportError::DuplicateColumn { .. }),
            1,
        ),
        (
            "Date,Value\n2021-01,5\n".into(),
            |e| matches!(e, ImportError::UnknownLayout { .. }),
            1,
        ),
        (
            "\n\n\x00\x01\u{fffd}\u{fffd}PK\x03\x04".into(),
            |e| matches!(e, ImportError::UnknownLayout { .. }),
            3,
        ),
    ];
    for (text, is_variant, line) in cases {
        let e = import(&text).expect_err("must fail");
        assert!(is_variant(&e), "{e:?}");
        assert_eq!(e.line(), Some(line), "{e}");
    }
}

#[test]
fn quoted_newlines_keep_line_numbers_right() {
    let text = aor_file(&[
        aor_row("2021", "MAR", "ELC", "4").replace("CHINA, PEOPLES", "CHINA,\nPEOPLES"),
        aor_row("2021", "MAR", "ELC", "-1"),
    ]);
    let e = import(&text).expect_err("negative");
    assert!(
        matches!(e, ImportError::NegativeCount { line: 4, .. }),
        "{e:?}"
    );
}

#[test]
fn an_extra_header_column_is_read_around_and_warned_of() {
    let text = format!(
        "{AOR_HEADER},Notes\n{},n\n",
        aor_row("2021", "MAR", "ELC", "4")
    );
    let i = import(&text).expect("extra column");
    assert_eq!(
        i.warnings,
        [Warning::IgnoredColumn {
            line: 1,
            column: "Notes".into()
        }]
    );
}

#[test]
fn empty_input_is_its_own_error() {
    for text in ["", "\u{feff}", " \n\x0c\r\n\t"] {
        assert_eq!(import(text), Err(ImportError::Empty));
    }
    assert_eq!(import_reader(Cursor::new(b""), 10), Err(ImportError::Empty));
    assert_eq!(
        import_reader(Cursor::new(&b"Fiscal Year\n\xff\xfe"[..]), 100),
        Err(ImportError::NotUtf8 { line: 2 })
    );
}

#[test]
fn merge_refuses_two_files_that_disagree() {
    let a = import(&aor_file(&[aor_row("2021", "MAR", "ELC", "4")])).expect("a");
    let b = import(&aor_file(&[aor_row("2021", "MAR", "ELC", "5")])).expect("b");
    assert_eq!(
        merge(&[a.clone(), a.clone()]).expect("same twice"),
        a.series
    );
    let e = merge(&[a, b]).expect_err("disagree");
    assert!(matches!(
        e,
        ImportError::Conflict { first: 4, second: 5, ref key, .. } if key.sector == "ELC"
    ));
}

#[test]
fn series_keys_layouts_and_warnings_serialize_and_series_come_back() {
    let i = import(&small_table()).expect("import");
    let s = series(&i.series, "USBP", "Coastal", "MIP");
    let json = serde_json::to_string(s).expect("json");
    assert!(json.contains("\"2013-10\":1"), "{json}");
    let back: Series = serde_json::from_str(&json).expect("back");
    assert_eq!(&back, s);
    assert_eq!(
        serde_json::to_string(&Layout::CbpAor).expect("json"),
        "\"cbp_aor\""
    );
    let w = Warning::IgnoredColumn {
        line: 1,
        column: "x".into(),
    };
    assert!(serde_json::to_string(&w)
        .expect("json")
        .contains("\"kind\":\"ignored_column\""));
    assert!(serde_json::to_string(&i).is_ok());
    assert!(serde_json::from_str::<Series>(
        r#"{"key":{"component":"a","region":"b","sector":"c"},"points":{"2024-13":1}}"#
    )
    .is_err());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = import(&text);
        let _ = import_reader(Cursor::new(&bytes), 256);
    }

    #[test]
    fn mangled_tables_never_panic(cut in 0usize..1_000, junk in "[|0-9,N/A*()\n ]{0,20}") {
        let t = small_table();
        let at = t.char_indices().map(|(i, _)| i).nth(cut % t.chars().count()).unwrap_or(0);
        let mangled = format!("{}{junk}{}", &t[..at], &t[at..]);
        let _ = import(&mangled);
        let csv = aor_file(&[aor_row("2021", "MAR", "ELC", "4")]);
        let at = cut % csv.len();
        let _ = import(&format!("{}{junk}{}", &csv[..at], &csv[at..]));
    }
}
