//! Throughput of `SqliteHistory::write_batch`: one transaction of 1000 SA records
//! (~400 bytes of XML each) into a WAL-mode file on the temp disk.
//!
//! `cargo bench -p store --bench write_batch`

#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "criterion's macros generate undocumented items; a failed unwrap is a failed bench"
)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use store::{Config, HistoryWrite, Record, SqliteHistory};

fn record(i: i64) -> Record {
    let uid = format!("ANDROID-{:016x}", i % 500);
    Record {
        xml: format!(
            "<event version=\"2.0\" uid=\"{uid}\" type=\"a-f-G-U-C\" how=\"m-g\" time=\"2026-01-01T00:00:00Z\" \
             start=\"2026-01-01T00:00:00Z\" stale=\"2026-01-01T00:05:00Z\"><point lat=\"31.7\" lon=\"-106.4\" \
             hae=\"1140\" ce=\"9.9\" le=\"9999999\"/><detail><contact callsign=\"UNIT-{i}\"/>\
             <__group name=\"Cyan\" role=\"Team Member\"/></detail></event>"
        ),
        uid: uid.clone(),
        kind: "a-f-G-U-C".into(),
        how: "m-g".into(),
        time_ms: i,
        start_ms: i,
        stale_ms: i + 300_000,
        lat: 31.7,
        lon: -106.4,
        hae: 1140.0,
        ce: 9.9,
        le: f64::NAN,
        callsign: Some(format!("UNIT-{i}")),
        sender_uid: Some(uid),
        groups: vec!["Cyan".into()],
        client_sa: true,
        last_known: true,
        forgets: Vec::new(),
        server_time_ms: i,
    }
}

fn write_batch(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteHistory::open(&Config::new(dir.path().join("bench.sqlite"))).unwrap();
    let mut next = 0i64;
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("write_batch_1000", |b| {
        b.iter_batched(
            || {
                let batch: Vec<Record> = (next..next + 1000).map(record).collect();
                next += 1000;
                batch
            },
            |batch| store.write_batch(&batch).unwrap(),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, write_batch);
criterion_main!(benches);
