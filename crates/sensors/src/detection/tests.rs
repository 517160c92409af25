use super::*;

#[test]
fn full_detection_with_sigma() {
    let d = parse_detection(r#"{"sensor":"cam-3","time":1718000000.25,"lat":31.3,"lon":-110.9,"alt":1250,"sigma_m":8,"kind":"person","confidence":0.8,"extra":1}"#).unwrap();
    assert_eq!(d.sensor, "cam-3");
    assert_eq!(d.time_unix_s, 1718000000.25);
    assert_eq!(d.alt_m, Some(1250.0));
    assert_eq!(d.uncertainty, Some(Uncertainty::Sigma(8.0)));
    assert_eq!(d.kind, DetectionKind::Person);
    assert_eq!(d.confidence, Some(0.8));
}

#[test]
fn iso_time_and_covariance() {
    let d = parse_detection(r#"{"sensor":"radar","time":"1970-01-01T00:01:00Z","lat":0,"lon":0,"cov":[[100,10],[10,50]]}"#).unwrap();
    assert_eq!(d.time_unix_s, 60.0);
    assert_eq!(d.kind, DetectionKind::Unknown);
    assert_eq!(
        d.uncertainty,
        Some(Uncertainty::Covariance([[100.0, 10.0], [10.0, 50.0]]))
    );
}

#[test]
fn rejections_are_typed() {
    let base = |extra: &str| format!(r#"{{"sensor":"s","time":1,"lat":10,"lon":10{extra}}}"#);
    assert!(parse_detection(&base("")).is_ok());
    assert!(matches!(
        parse_detection("not json"),
        Err(DetectionError::Json(_))
    ));
    assert!(matches!(
        parse_detection(r#"{"sensor":"s","time":1,"lat":10}"#),
        Err(DetectionError::Json(_))
    ));
    assert!(matches!(
        parse_detection(r#"{"sensor":"","time":1,"lat":1,"lon":1}"#),
        Err(DetectionError::EmptySensor)
    ));
    assert!(matches!(
        parse_detection(r#"{"sensor":"s","time":"yesterday","lat":1,"lon":1}"#),
        Err(DetectionError::Time(_))
    ));
    assert!(matches!(
        parse_detection(r#"{"sensor":"s","time":1,"lat":91,"lon":1}"#),
        Err(DetectionError::Implausible(Implausible::Latitude(_)))
    ));
    assert!(matches!(
        parse_detection(r#"{"sensor":"s","time":1,"lat":1,"lon":-180.5}"#),
        Err(DetectionError::Implausible(Implausible::Longitude(_)))
    ));
    assert!(matches!(
        parse_detection(&base(r#","sigma_m":-3"#)),
        Err(DetectionError::Implausible(_))
    ));
    assert!(matches!(
        parse_detection(&base(r#","sigma_m":3,"cov":[[1,0],[0,1]]"#)),
        Err(DetectionError::AmbiguousUncertainty)
    ));
    assert!(matches!(
        parse_detection(&base(r#","cov":[[1,2],[2,1]]"#)),
        Err(DetectionError::Implausible(Implausible::Covariance))
    ));
    assert!(matches!(
        parse_detection(&base(r#","kind":"horse""#)),
        Err(DetectionError::Kind(_))
    ));
    assert!(matches!(
        parse_detection(&base(r#","confidence":1.5"#)),
        Err(DetectionError::Implausible(
            Implausible::OutOfInterval { .. }
        ))
    ));
}
