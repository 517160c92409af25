use sim::{SimConfig, SimError, Simulator};

#[test]
fn default_scenario_is_valid_and_round_trips_through_json() {
    let c = SimConfig::border_sector();
    c.validate().unwrap();
    let text = serde_json::to_string(&c).unwrap();
    let back: SimConfig = serde_json::from_str(&text).unwrap();
    assert_eq!(back, c);
    // Missing keys take the defaults.
    let partial: SimConfig = serde_json::from_str(r#"{"start_unix_s": 0.0}"#).unwrap();
    assert_eq!(partial.radars, c.radars);
}

#[test]
fn bad_settings_are_refused_with_their_name() {
    type Edit = fn(&mut SimConfig);
    let cases: Vec<(Edit, &str)> = vec![
        (|c| c.radars[0].pd = 1.5, "radars[0].pd"),
        (
            |c| c.radars[1].max_range_m = 500_000.0,
            "radars[1].max_range_m",
        ),
        (
            |c| c.radars[0].rotation_period_s = f64::NAN,
            "radars[0].rotation_period_s",
        ),
        (
            |c| c.adsb[1].name = c.radars[0].name.clone(),
            "adsb[1].name",
        ),
        (
            |c| c.ground_sensors[2].sigma_m = 0.0,
            "ground_sensors[2].sigma_m",
        ),
        (|c| c.origin_lat_deg = 95.0, "origin.lat_deg"),
        (|c| c.population.persons = 20_000, "population"),
    ];
    for (edit, field) in cases {
        let mut c = SimConfig::border_sector();
        edit(&mut c);
        match Simulator::new(c, 1) {
            Err(SimError::Config { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn start_comes_from_the_callers_clock() {
    let mut c = SimConfig::border_sector();
    c.set_start(cot::Time::from_millis(1_767_225_601_250));
    assert_eq!(c.start_unix_s, 1_767_225_601.25);
}
