//! The ops desk in the running server: one desk behind a lock, a task that
//! ticks it and takes the field's answers, a sink that reads those answers
//! and units' positions off the router, and the tasks the engine sends or
//! withdraws, routed to the elements' TAK users as CoT tasking and GeoChat.
//!
//! Requests are decided and fsynced on a blocking thread (never on an
//! async worker); the router never waits on any of it.

mod briefing;
mod classify;
mod desk;
mod offline;
mod rules_file;
mod timeline;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use cop::command::{Peer, WebUser};
use ops::field::{self, FieldAnswer};
use ops::view::Fix;
use ops::{Actor, Command, Effect};
use parking_lot::{Mutex, RwLock};
use picture::{Identity, Message};
use tokio::sync::mpsc;

pub use briefing::{briefing, CheckpointLine};
pub(crate) use classify::{operator, preflight, refusal, to_feeds};
pub use desk::{desk_time, DeskConfig, DeskError, OpsDesk, SubmitError, Submitted};
pub use offline::{check_replay, checkpoint_within, read_engine, read_engine_until, OfflineError};
pub use rules_file::{
    read_verified, sig_path, trusted_keys, RulesFileError, VerifiedRules, RULES_FILE, TRUSTED_KEYS,
};
pub use timeline::{read_timeline, MAX_ENTRIES};

use crate::metrics::Sample;
use crate::router::RouterMsg;
use crate::sink::{Routed, Sink, Source};

/// The desk's identity on the TAK network: the contact tasks come from and
/// answers go to.
pub const DESK_UID: &str = "watchfloor-ops";
/// Its callsign.
pub const DESK_CALLSIGN: &str = "JTF OPS";

/// What `[ops]` configures.
#[derive(Debug, Clone)]
pub struct OpsServerConfig {
    /// Run the ops desk (it needs a data folder).
    pub enabled: bool,
    /// A unit whose SA is older than this, seconds, is flagged stale.
    pub stale_s: i64,
    /// Groups the desk sends tasks to (empty: anonymous).
    pub groups: Vec<String>,
    /// Where the desk's contact sits on the map, `(lat, lon)` degrees.
    pub position: (f64, f64),
    /// Commands applied once to an empty desk (the demo's simulated roster).
    pub seed: Vec<Command>,
}

impl Default for OpsServerConfig {
    fn default() -> Self {
        OpsServerConfig {
            enabled: true,
            stale_s: 600,
            groups: Vec::new(),
            position: (31.33, -109.2),
            seed: Vec::new(),
        }
    }
}

/// A field answer waiting for the desk.
#[derive(Debug)]
struct Answer {
    from: Actor,
    answer: FieldAnswer,
}

/// The running desk, shared by the API, the desk task and the sink.
#[derive(Debug)]
pub(crate) struct OpsShared {
    desk: Mutex<OpsDesk>,
    positions: Mutex<HashMap<String, Fix>>,
    tracked: RwLock<HashSet<String>>,
    version: AtomicU64,
    /// Weak: the desk's sink lives inside the router, so a strong sender
    /// here would keep the router's inbox open forever and the server
    /// would never finish shutting down.
    router: mpsc::WeakSender<RouterMsg>,
    groups: Vec<String>,
    me: WebUser,
    stale_s: i64,
    answers_dropped: AtomicU64,
    dispatched: AtomicU64,
    withdrawn: AtomicU64,
    notified: AtomicU64,
    refused_calls: AtomicU64,
    classified: AtomicU64,
    /// The tracker, which classifications are handed to (`None`: no
    /// sensors configured, and every classification is refused).
    sensors: Option<Arc<crate::sensor_task::SensorShared>>,
}

impl OpsShared {
    /// Runs `f` on the desk (a blocking thread's job: it may fsync).
    pub(crate) fn with_desk<T>(&self, f: impl FnOnce(&mut OpsDesk) -> T) -> T {
        f(&mut self.desk.lock())
    }

    /// Decides and records a request, then routes its effects. Blocking.
    pub(crate) fn submit(&self, actor: &Actor, cmd: &Command) -> Result<Submitted, SubmitError> {
        let result = {
            let mut desk = self.desk.lock();
            let r = desk.submit(actor, cmd, crate::now());
            if r.is_ok() {
                self.track(&desk);
            }
            r
        };
        self.version.fetch_add(1, Relaxed);
        match &result {
            Ok(s) => self.route(&s.effects),
            Err(SubmitError::Refused { .. }) => {
                self.refused_calls.fetch_add(1, Relaxed);
            }
            Err(SubmitError::Desk(_)) => {}
        }
        result
    }

    /// Records a request the shell refused before the engine saw it.
    pub(crate) fn refuse(&self, actor: &str, action: &str, reason: &str) -> Option<u64> {
        self.refused_calls.fetch_add(1, Relaxed);
        self.desk
            .lock()
            .note_refusal(actor, action, reason, crate::now())
            .ok()
    }

    /// Bumps with every change, so the web can poll cheaply.
    pub(crate) fn version(&self) -> u64 {
        self.version.load(Relaxed)
    }

    /// The latest fix of a uid the roster follows.
    pub(crate) fn position(&self, uid: &str) -> Option<Fix> {
        self.positions.lock().get(uid).copied()
    }

    /// Seconds after which a unit's SA is stale.
    pub(crate) fn stale_s(&self) -> i64 {
        self.stale_s
    }

    fn track(&self, desk: &OpsDesk) {
        let uids: HashSet<String> = desk.engine().units().flat_map(|u| u.recipients()).collect();
        *self.tracked.write() = uids;
    }

    fn tick(&self) {
        let effects = {
            let mut desk = self.desk.lock();
            let now = crate::now();
            let mut lines = Vec::new();
            match desk.load_rules_file(now) {
                Ok(Some(line)) => lines.push(line),
                Ok(None) => {}
                Err(e) => lines.push(e.to_string()),
            }
            for l in lines {
                tracing::warn!("{l}");
                self.version.fetch_add(1, Relaxed);
            }
            match desk.tick(now) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(error = %e, "ops tick failed");
                    Vec::new()
                }
            }
        };
        if !effects.is_empty() {
            self.version.fetch_add(1, Relaxed);
            self.route(&effects);
        }
    }

    fn answer(&self, a: Answer) {
        let (task, element) = match &a.answer {
            FieldAnswer::Chat { task, .. } => (Some(task.clone()), None),
            FieldAnswer::Reply {
                assignment,
                element,
                ..
            } => (
                self.desk
                    .lock()
                    .engine()
                    .assignment(assignment)
                    .map(|x| x.task.clone()),
                Some(element.clone()),
            ),
        };
        let answer = match a.answer {
            FieldAnswer::Chat { answer, .. } | FieldAnswer::Reply { answer, .. } => answer,
        };
        let Some(task) = task else {
            tracing::info!(from = %a.from.name, "a reply names no task on record; ignored");
            return;
        };
        match self.submit(
            &a.from,
            &Command::Reply {
                task: task.clone(),
                element,
                answer,
            },
        ) {
            Ok(_) => tracing::info!(from = %a.from.name, %task, "field answer taken"),
            Err(e) => {
                tracing::info!(from = %a.from.name, %task, error = %e, "field answer refused")
            }
        }
    }

    /// Sends each effect to the field. Blocking: waits for room in the
    /// router's inbox rather than lose a task.
    fn route(&self, effects: &[Effect]) {
        if effects.is_empty() {
            return;
        }
        let now = crate::now();
        let identity = Arc::new(Identity::both(&self.groups));
        let desk = self.desk.lock();
        let engine = desk.engine();
        let mut out = Vec::new();
        let mut classify = Vec::new();
        for effect in effects {
            match effect {
                Effect::Dispatch {
                    task,
                    assignment,
                    element,
                    recipients,
                } => {
                    let (Some(t), Some(a)) = (engine.task(task), engine.assignment(assignment))
                    else {
                        continue;
                    };
                    out.push(field::task_event(t, a, element, recipients, now));
                    let text = field::task_text(t, a, element);
                    for r in recipients {
                        out.extend(self.chat(
                            r,
                            &text,
                            &format!("{assignment}.{element}.{}", now.millis()),
                            now,
                        ));
                    }
                    self.dispatched.fetch_add(1, Relaxed);
                }
                Effect::Withdraw {
                    task,
                    assignment,
                    element,
                    recipients,
                    reason,
                } => {
                    out.push(field::cancel_event(
                        assignment, element, task, reason, recipients, now,
                    ));
                    let text = format!("TASK {task} WITHDRAWN for {element}: {reason}");
                    for r in recipients {
                        out.extend(self.chat(
                            r,
                            &text,
                            &format!("{assignment}.{element}.w{}", now.millis()),
                            now,
                        ));
                    }
                    self.withdrawn.fetch_add(1, Relaxed);
                }
                // The web COP reads open and late suspenses from the API;
                // the owner's phones get the line by GeoChat.
                Effect::Notify(n) => {
                    for r in &n.recipients {
                        out.extend(self.chat(
                            r,
                            &n.text,
                            &format!("{}.{}.{}", n.suspense, n.level, now.millis()),
                            now,
                        ));
                    }
                    self.notified.fetch_add(1, Relaxed);
                }
                Effect::Classify {
                    uid,
                    affiliation,
                    remarks,
                } => classify.push((uid, *affiliation, remarks)),
            }
        }
        drop(desk);
        for (uid, affiliation, remarks) in classify {
            self.apply_classification(uid, affiliation, remarks);
        }
        // Gone only when every listener has stopped: the server is ending.
        let Some(router) = self.router.upgrade() else {
            return;
        };
        for event in out {
            let msg = RouterMsg::Inject {
                source: Source::Web(Arc::from(DESK_CALLSIGN)),
                identity: identity.clone(),
                msg: Arc::new(Message::new(event)),
            };
            if router.blocking_send(msg).is_err() {
                return;
            }
        }
    }

    fn chat(&self, to: &str, text: &str, id: &str, now: cot::Time) -> Option<cot::Event> {
        let peer = Peer {
            uid: to.into(),
            callsign: None,
        };
        // Chat text is capped; a long task is cut rather than not sent.
        let text: String = text.chars().take(1800).collect();
        cop::command::chat(&self.me, to, Some(&peer), &text, id, now).ok()
    }

    fn samples(&self) -> Vec<Sample> {
        let desk = self.desk.lock();
        let engine = desk.engine();
        let mut by_outcome: HashMap<&str, u64> = HashMap::new();
        for a in engine.assignments() {
            *by_outcome.entry(a.outcome.name()).or_default() += 1;
        }
        let mut s = vec![
            Sample::counter(
                "ops_tasks_dispatched_total",
                "Element tasks sent to the field",
                self.dispatched.load(Relaxed),
            ),
            Sample::counter(
                "ops_tasks_withdrawn_total",
                "Element tasks withdrawn from the field",
                self.withdrawn.load(Relaxed),
            ),
            Sample::counter(
                "ops_suspense_notices_total",
                "Suspense warnings (T-7d, T-1d, due) raised to their owners",
                self.notified.load(Relaxed),
            ),
            Sample::counter(
                "ops_refused_calls_total",
                "Ops requests refused (role, validation), each audited",
                self.refused_calls.load(Relaxed),
            ),
            Sample::counter(
                "ops_classifications_total",
                "Track classifications taken by the desk and handed to the tracker",
                self.classified.load(Relaxed),
            ),
            Sample::counter(
                "ops_field_answers_dropped_total",
                "Field answers dropped because the desk's inbox was full",
                self.answers_dropped.load(Relaxed),
            ),
            Sample::gauge(
                "ops_audit_records",
                "Records in the audit log",
                desk.log().len() as f64,
            ),
            Sample::gauge(
                "ops_units",
                "Units on the roster",
                engine.units().count() as f64,
            ),
        ];
        for (outcome, n) in by_outcome {
            s.push(
                Sample::gauge("ops_assignments", "Assignments by decision", n as f64)
                    .with("decision", outcome),
            );
        }
        s
    }
}

/// Opens the desk in `data_dir`, seeds it when empty, and starts its task.
pub(crate) fn start(
    config: &OpsServerConfig,
    data_dir: &std::path::Path,
    sensors: Option<Arc<crate::sensor_task::SensorShared>>,
    shell: &mut crate::Shell,
) -> Result<Started, crate::ServerError> {
    let (mut desk, notes) = OpsDesk::open(DeskConfig::in_data_dir(data_dir))
        .map_err(|e| crate::ServerError::Config(format!("ops desk: {e}")))?;
    for n in notes {
        tracing::warn!("{n}");
    }
    if desk.engine().units().next().is_none() && !config.seed.is_empty() {
        let seeder = Actor::user(
            "seed",
            &[ops::Role::Admin, ops::Role::Legal, ops::Role::WatchOfficer],
        );
        for cmd in &config.seed {
            if let Err(e) = desk.submit(&seeder, cmd, crate::now()) {
                tracing::warn!(error = %e, "seed command refused");
            }
        }
    }
    let me = WebUser {
        uid: DESK_UID.into(),
        callsign: DESK_CALLSIGN.into(),
        team: "White".into(),
        lat: config.position.0,
        lon: config.position.1,
    };
    let shared = Arc::new(OpsShared {
        desk: Mutex::new(desk),
        positions: Mutex::new(HashMap::new()),
        tracked: RwLock::new(HashSet::new()),
        version: AtomicU64::new(1),
        router: shell.router.downgrade(),
        groups: config.groups.clone(),
        me,
        stale_s: config.stale_s,
        answers_dropped: AtomicU64::new(0),
        dispatched: AtomicU64::new(0),
        withdrawn: AtomicU64::new(0),
        notified: AtomicU64::new(0),
        refused_calls: AtomicU64::new(0),
        classified: AtomicU64::new(0),
        sensors,
    });
    shared.track(&shared.desk.lock());
    let (tx, rx) = mpsc::channel(256);
    shell
        .tasks
        .spawn(run(shared.clone(), rx, shell.shutdown.clone()));
    Ok(Started {
        sink: OpsSink {
            shared: shared.clone(),
            tx,
        },
        shared,
    })
}

/// The started desk: what the API shares and the router's sink.
pub(crate) struct Started {
    /// For the API.
    pub(crate) shared: Arc<OpsShared>,
    /// For the router.
    pub(crate) sink: OpsSink,
}

/// The desk task: field answers as they come, a tick every second (time
/// boundaries, a changed rule file), a checkpoint at shutdown.
async fn run(
    shared: Arc<OpsShared>,
    mut rx: mpsc::Receiver<Answer>,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            a = rx.recv() => {
                let Some(a) = a else { break };
                let s = shared.clone();
                let _ = tokio::task::spawn_blocking(move || s.answer(a)).await;
            }
            _ = every.tick() => {
                let s = shared.clone();
                let _ = tokio::task::spawn_blocking(move || s.tick()).await;
            }
            () = stop.cancelled() => break,
        }
    }
    let s = shared.clone();
    let _ = tokio::task::spawn_blocking(move || {
        if let Err(e) = s.desk.lock().checkpoint(crate::now()) {
            tracing::warn!(error = %e, "final audit checkpoint not written");
        }
    })
    .await;
}

/// The router's sink for the desk: positions of the units' SA uids, and
/// answers to tasks (a `y-*` reply or a GeoChat WILCO/CANTCO line), handed
/// to the desk task without waiting.
pub(crate) struct OpsSink {
    shared: Arc<OpsShared>,
    tx: mpsc::Sender<Answer>,
}

impl Sink for OpsSink {
    fn offer(&mut self, note: &Routed<'_>) {
        let Routed::Accepted {
            msg,
            source,
            client_uid,
            sender,
            ..
        } = note
        else {
            return;
        };
        if matches!(source, Source::Web(name) if &**name == DESK_CALLSIGN) {
            return;
        }
        let e = &msg.event;
        if e.is_type("a") && self.shared.tracked.read().contains(&e.uid) {
            let fix = Fix {
                lat: e.point.lat,
                lon: e.point.lon,
                time: e.time,
            };
            self.shared.positions.lock().insert(e.uid.clone(), fix);
            return;
        }
        if !(e.is_chat() || e.is_type("y")) {
            return;
        }
        let Some(answer) = field::read_answer(e) else {
            return;
        };
        let uid = client_uid
            .map(str::to_string)
            .or_else(|| e.detail.chat().and_then(|c| c.members.first().cloned()))
            .unwrap_or_else(|| e.uid.clone());
        let name = sender
            .map(str::to_string)
            .or_else(|| source.label().map(str::to_string))
            .unwrap_or_else(|| uid.clone());
        let a = Answer {
            from: Actor::field(&name, &uid),
            answer,
        };
        if self.tx.try_send(a).is_err() {
            self.shared.answers_dropped.fetch_add(1, Relaxed);
            tracing::warn!(from = %name, "ops desk inbox full: a field answer was dropped");
        }
    }

    fn samples(&self) -> Vec<Sample> {
        self.shared.samples()
    }
}
