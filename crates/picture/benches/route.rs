//! Routing throughput: one SA in, fanned out to 1000 identified clients in
//! one group, outputs drained. The figure to read is time per event; each
//! event is 999 deliveries.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput};
use picture::{ClientId, Config, Message, Output, Picture};

const CLIENTS: u64 = 1000;

fn sa(i: u64, now: cot::Time) -> Arc<Message> {
    let mut e = cot::Event::new(
        format!("ANDROID-{i}"),
        "a-f-G-U-C",
        "m-g",
        now,
        now.plus_secs(60),
    );
    let cs = format!("UNIT-{i}");
    e.detail.push_element(cot::Element::with_attrs(
        "contact",
        [("callsign", cs.as_str()), ("endpoint", "*:-1:stcp")],
    ));
    e.detail.push_element(cot::Element::with_attrs(
        "__group",
        [("name", "Cyan"), ("role", "Team Member")],
    ));
    Arc::new(Message::new(e))
}

fn setup(now: cot::Time) -> Picture {
    let mut p = Picture::new(Config::default());
    let g = p.groups_both(&[]);
    for i in 0..CLIENTS {
        p.connect(ClientId(i), g.clone(), now);
        p.ingest(ClientId(i), sa(i, now), now);
    }
    while p.poll().is_some() {}
    p
}

fn route(c: &mut Criterion) {
    let now = cot::Time::from_millis(1_700_000_000_000);
    let mut p = setup(now);
    // Pre-built messages: the bench measures routing, not event building.
    let msgs: Vec<_> = (0..CLIENTS).map(|i| sa(i, now.plus_secs(1))).collect();
    let mut group = c.benchmark_group("route");
    group.throughput(Throughput::Elements(1));
    let mut i = 0usize;
    group.bench_function("sa_to_1000_clients", |b| {
        b.iter(|| {
            let k = i % msgs.len();
            i += 1;
            p.ingest(ClientId(k as u64), msgs[k].clone(), now.plus_secs(1));
            let mut n = 0;
            while let Some(o) = p.poll() {
                if let Output::Deliver { to, .. } = &o {
                    n += to.len();
                }
                black_box(o);
            }
            black_box(n)
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    route(&mut c);
    c.final_summary();
}
