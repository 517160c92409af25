//! The fifteen cases of AUTHORITIES.md §5.3: every row agrees with the
//! expected outcome, and setting them up was refused nowhere.

use crate::cases::{run, table};

#[test]
fn every_case_of_authorities_5_3_decides_as_expected() {
    let (rows, errors) = run();
    assert!(errors.is_empty(), "setup refused: {errors:#?}");
    let cases: std::collections::BTreeSet<u8> = rows.iter().map(|r| r.case).collect();
    assert_eq!(cases.len(), 15, "{cases:?}");
    println!("{}", table(&rows));
    let wrong: Vec<_> = rows.iter().filter(|r| !r.agrees()).collect();
    assert!(wrong.is_empty(), "{}", table(&rows));
}
