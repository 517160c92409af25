//! CAT048 decoding throughput: blocks of synthetic monoradar target reports with a
//! typical item set (I010, I140, I020, I040, I070, I090, I130, I220, I240, I250,
//! I161, I042, I200, I170). Run with `cargo bench -p sensors --bench asterix`.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const RECORDS_PER_BLOCK: usize = 50;

fn record(i: u16) -> Vec<u8> {
    // FSPEC: FRN 1-7, 8-14 (all present), then FX chain ends.
    let mut r = vec![0xff, 0xfe];
    r.extend([25, 201]); // I010
    r.extend([0x35, 0x6d, (i & 0xff) as u8]); // I140
    r.extend([0xa0]); // I020
    r.extend((i.wrapping_mul(97)).to_be_bytes()); // I040 rho
    r.extend((i.wrapping_mul(331)).to_be_bytes()); // I040 theta
    r.extend([0x02, 0x00]); // I070
    r.extend([0x05, 0x28]); // I090
    r.extend([0xe0, 0x10, 0x05, 0xb0]); // I130: SRL, SRR, SAM
    r.extend([0x3c, 0x66, (i >> 8) as u8]); // I220
    r.extend([0x10, 0xc2, 0x36, 0xd4, 0x18, 0x20]); // I240
    r.extend([1, 0xc0, 0x78, 0x00, 0x31, 0xbc, 0x00, 0x00, 0x40]); // I250
    r.extend((i & 0x0fff).to_be_bytes()); // I161
    r.extend([0x0d, 0xeb, 0x07, 0xb9]); // I042
    r.extend([0x05, 0x8e, 0x41, 0x00]); // I200
    r.extend([0x40]); // I170
    r
}

fn block() -> Vec<u8> {
    let body: Vec<u8> = (0..RECORDS_PER_BLOCK as u16).flat_map(record).collect();
    let mut b = vec![48];
    b.extend(((body.len() + 3) as u16).to_be_bytes());
    b.extend(body);
    b
}

fn decode(c: &mut Criterion) {
    let buf: Vec<u8> = (0..20).flat_map(|_| block()).collect();
    let records = 20 * RECORDS_PER_BLOCK;
    let mut group = c.benchmark_group("asterix");
    group.throughput(Throughput::Elements(records as u64));
    group.bench_function("cat048_typed", |b| {
        b.iter(|| {
            let mut n = 0;
            for block in sensors::asterix::data_blocks(black_box(&buf)).flatten() {
                for rec in sensors::asterix::decode_block(block) {
                    n += usize::from(rec.is_ok());
                }
            }
            assert_eq!(n, records);
            n
        })
    });
    group.bench_function("cat048_json", |b| {
        b.iter(|| sensors::decode_to_json_lines(black_box(&buf)).len())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
