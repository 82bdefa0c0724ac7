//! Load and soak (ignored by default): an axum app behind `CorsLayer` on
//! loopback, driven by 64 keep-alive connections of a hand-written HTTP/1.1
//! client with a mix of allowed, refused, malformed and hostile requests for
//! `LOAD_SECS` seconds (default 30). Every answer is checked against the
//! reference model; there must be no error, and the process's resident
//! memory must stay flat after warm-up. The same mix against the bare app
//! gives the layer's cost in requests per second.
//!
//! A second run does the same against a reloadable layer whose policy a
//! thread replaces every millisecond, alternating two configurations: each
//! answer must be the whole answer of one of them, and the rate is compared
//! with a layer made with `CorsLayer::new`. The two runs take turns.
//!
//! ```text
//! LOAD_SECS=10 cargo test --release --test load -- --ignored --nocapture
//! ```

mod model;
#[path = "common/model_policies.rs"]
mod model_policies;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::header::HeaderValue;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower_cors::CorsLayer;

use model::harness::{raw_request, read_response, RawResponse};
use model::{ModelPolicy, ModelRequest};
use model_policies::{credentialed, APP};

const CONNECTIONS: usize = 64;
const APP_VARY: &[u8] = b"accept-encoding";

async fn handler() -> impl IntoResponse {
    (
        [
            ("x-app", HeaderValue::from_static("1")),
            ("vary", HeaderValue::from_static("accept-encoding")),
        ],
        "app body",
    )
}

fn app() -> Router {
    Router::new().route("/resource", any(handler))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("server");
    });
    addr
}

/// One request of the mix: its bytes, and what the layer must answer: one
/// of `expect`, the answer of each policy the server may apply.
struct Template {
    name: &'static str,
    bytes: Vec<u8>,
    has_body: bool,
    expect: Vec<Observed>,
}

/// What a response shows of the CORS answer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observed {
    status: u16,
    cors: BTreeMap<String, String>,
    vary: Vec<String>,
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn observe(response: &RawResponse) -> Observed {
    let cors = response
        .headers
        .iter()
        .filter(|(name, _)| name.starts_with("access-control-") || *name == "cors-refusal")
        .map(|(name, values)| (name.clone(), text(&values.concat())))
        .collect();
    let vary = response.values("vary").into_iter().map(text).collect();
    Observed {
        status: response.status,
        cors,
        vary,
    }
}

fn template_for(
    policies: &[ModelPolicy],
    name: &'static str,
    method: &'static str,
    headers: &[(&'static str, &[u8])],
) -> Template {
    let request = ModelRequest {
        method: method.into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_vec()))
            .collect(),
    };
    let expect = policies
        .iter()
        .map(|policy| {
            let answer = model::layer_answer(policy, &request, &[APP_VARY]);
            let cors = answer
                .headers
                .iter()
                .filter(|(name, _)| name.starts_with("access-control-") || *name == "cors-refusal")
                .map(|(name, values)| (name.clone(), text(&values.concat())))
                .collect();
            Observed {
                status: answer.status,
                cors,
                vary: answer
                    .headers
                    .get("vary")
                    .map(|lines| lines.iter().map(|l| text(l)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    Template {
        name,
        bytes: raw_request(method, headers, ""),
        has_body: method != "HEAD",
        expect,
    }
}

/// The mix, each request's answer worked out for each of `policies`.
#[rustfmt::skip]
fn mix(policies: &[ModelPolicy]) -> Vec<Template> {
    let template = |name, method, headers: &[(&'static str, &[u8])]| {
        template_for(policies, name, method, headers)
    };
    let app: &[u8] = b"https://app.example.com";
    let origin = "origin";
    let method = "access-control-request-method";
    let headers = "access-control-request-headers";
    let many_names = (0..3000)
        .map(|i| format!("x-{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let commas = ",".repeat(2000);
    let mut mix = vec![
        template("preflight allowed", "OPTIONS", &[(origin, app), (method, b"PUT"), (headers, b"content-type,x-custom")]),
        template("preflight pattern", "OPTIONS", &[(origin, b"https://api.example.org"), (method, b"PATCH")]),
        template("preflight origin refused", "OPTIONS", &[(origin, b"https://evil.example"), (method, b"PUT")]),
        template("preflight suffix attack", "OPTIONS", &[(origin, b"https://evilexample.org"), (method, b"PUT")]),
        template("preflight method refused", "OPTIONS", &[(origin, app), (method, b"patch")]),
        template("preflight header refused", "OPTIONS", &[(origin, app), (method, b"PUT"), (headers, b"authorization")]),
        template("preflight null", "OPTIONS", &[(origin, b"null"), (method, b"PUT")]),
        template("preflight two origins", "OPTIONS", &[(origin, app), (origin, app), (method, b"PUT")]),
        template("preflight bad method", "OPTIONS", &[(origin, app), (method, b"P(T")]),
        template("preflight thousands of names", "OPTIONS", &[(origin, app), (method, b"PUT"), (headers, many_names.as_bytes())]),
        template("preflight commas", "OPTIONS", &[(origin, app), (method, b"PUT"), (headers, commas.as_bytes())]),
        template("preflight obs-text origin", "OPTIONS", &[(origin, b"https://app.example.com\xff"), (method, b"PUT")]),
        template("get allowed", "GET", &[(origin, app)]),
        template("head allowed", "HEAD", &[(origin, b"http://localhost:3000")]),
        template("post simple allowed", "POST", &[(origin, app), ("content-type", b"text/plain")]),
        template("put actual allowed", "PUT", &[(origin, b"https://a.b.example.org"), ("content-type", b"application/json")]),
        template("get refused", "GET", &[(origin, b"https://app.example.com.evil.net")]),
        template("get malformed", "GET", &[(origin, b"https://app.example.com/")]),
        template("get no origin", "GET", &[]),
        template("options plain", "OPTIONS", &[(origin, app)]),
    ];
    let seventeen: Vec<(&'static str, &[u8])> = [(origin, app), (method, &b"PUT"[..])]
        .into_iter()
        .chain(std::iter::repeat((headers, &b"x-custom"[..])).take(17))
        .collect();
    mix.push(template("preflight seventeen lines", "OPTIONS", &seventeen));
    mix
}

#[derive(Default)]
struct Totals {
    requests: AtomicU64,
    errors: AtomicU64,
    wrong: AtomicU64,
    /// Answers that only the first of the expected policies gives, and
    /// that only the second gives: both above zero show that replacements
    /// took effect under load.
    only_first: AtomicU64,
    only_second: AtomicU64,
}

/// Drives `CONNECTIONS` keep-alive connections until `until`; with
/// `check`, compares every answer with the model.
async fn drive(
    addr: SocketAddr,
    mix: Arc<Vec<Template>>,
    until: Instant,
    check: bool,
) -> Arc<Totals> {
    let totals = Arc::new(Totals::default());
    let first_problem: Arc<Mutex<Option<String>>> = Arc::default();
    let mut tasks = Vec::new();
    for connection in 0..CONNECTIONS {
        let (mix, totals, first_problem) = (mix.clone(), totals.clone(), first_problem.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            let mut buffer = Vec::new();
            let mut i = connection;
            while Instant::now() < until {
                let template = &mix[i % mix.len()];
                i += 1;
                let outcome = async {
                    stream.write_all(&template.bytes).await?;
                    read_response(&mut stream, &mut buffer, template.has_body).await
                }
                .await;
                totals.requests.fetch_add(1, Ordering::Relaxed);
                match outcome {
                    Ok(response) => {
                        let problem = if check {
                            let seen = observe(&response);
                            if let [first, second] = &template.expect[..] {
                                if seen == *first && seen != *second {
                                    totals.only_first.fetch_add(1, Ordering::Relaxed);
                                } else if seen == *second && seen != *first {
                                    totals.only_second.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            (!template.expect.contains(&seen)).then(|| {
                                format!(
                                    "{}: got {seen:?}, expected one of {:?}",
                                    template.name, template.expect
                                )
                            })
                        } else {
                            (response.status != 200).then(|| {
                                format!("{}: bare app answered {}", template.name, response.status)
                            })
                        };
                        if let Some(problem) = problem {
                            totals.wrong.fetch_add(1, Ordering::Relaxed);
                            first_problem.lock().expect("lock").get_or_insert(problem);
                        }
                    }
                    Err(err) => {
                        totals.errors.fetch_add(1, Ordering::Relaxed);
                        first_problem
                            .lock()
                            .expect("lock")
                            .get_or_insert(format!("{}: {err}", template.name));
                        stream = TcpStream::connect(addr).await.expect("reconnect");
                        buffer.clear();
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("client task");
    }
    if let Some(problem) = first_problem.lock().expect("lock").take() {
        eprintln!("first problem: {problem}");
    }
    totals
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("resident pages");
    pages * 4096
}

/// Runs one load test on its own runtime, never beside the other: each
/// measures the process's requests per second and resident memory.
fn run_alone(test: impl Future<Output = ()>) {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(test);
}

#[test]
#[ignore = "load and soak: LOAD_SECS=10 cargo test --release --test load -- --ignored --nocapture"]
fn load_and_soak() {
    run_alone(soak());
}

async fn soak() {
    let secs: u64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let mix = Arc::new(mix(&[credentialed()]));
    let policy = credentialed().build().expect("valid policy");

    // The bare app: the baseline, and a warm-up.
    let bare_secs = (secs / 3).max(2);
    let bare = serve(app()).await;
    let started = Instant::now();
    let totals = drive(
        bare,
        mix.clone(),
        started + Duration::from_secs(bare_secs),
        false,
    )
    .await;
    let bare_rps = totals.requests.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    assert_eq!(
        totals.errors.load(Ordering::Relaxed),
        0,
        "errors against the bare app"
    );
    assert_eq!(
        totals.wrong.load(Ordering::Relaxed),
        0,
        "bad statuses from the bare app"
    );

    // The app behind the layer, sampling resident memory throughout.
    let layered = serve(app().layer(CorsLayer::new(policy))).await;
    let done = Arc::new(AtomicBool::new(false));
    let samples: Arc<Mutex<Vec<(Duration, u64)>>> = Arc::default();
    let sampler = {
        let (done, samples) = (done.clone(), samples.clone());
        tokio::spawn(async move {
            let start = Instant::now();
            while !done.load(Ordering::Relaxed) {
                samples
                    .lock()
                    .expect("lock")
                    .push((start.elapsed(), resident_bytes()));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let started = Instant::now();
    let totals = drive(
        layered,
        mix.clone(),
        started + Duration::from_secs(secs),
        true,
    )
    .await;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.await.expect("sampler");
    let requests = totals.requests.load(Ordering::Relaxed);
    let layered_rps = requests as f64 / elapsed.as_secs_f64();

    let samples = samples.lock().expect("lock").clone();
    let at = |fraction: f64| {
        let t = elapsed.mul_f64(fraction);
        samples
            .iter()
            .find(|(when, _)| *when >= t)
            .or(samples.last())
            .map(|(_, rss)| *rss)
            .expect("samples")
    };
    let (third, end) = (
        at(1.0 / 3.0),
        samples.last().map(|(_, rss)| *rss).expect("samples"),
    );
    let growth = end as f64 / third as f64 - 1.0;

    println!(
        "mix of {} requests, {CONNECTIONS} keep-alive connections",
        mix.len()
    );
    println!("bare app:    {bare_rps:>9.0} requests/s over {bare_secs} s");
    println!("with layer:  {layered_rps:>9.0} requests/s over {secs} s ({requests} requests)");
    println!(
        "resident memory: {:.1} MiB at 1/3, {:.1} MiB at the end ({:+.1}%); peak sample {:.1} MiB",
        third as f64 / 1048576.0,
        end as f64 / 1048576.0,
        growth * 100.0,
        samples.iter().map(|(_, rss)| *rss).max().unwrap_or(0) as f64 / 1048576.0,
    );

    assert!(requests > 0);
    assert_eq!(
        totals.errors.load(Ordering::Relaxed),
        0,
        "connection or protocol errors"
    );
    assert_eq!(
        totals.wrong.load(Ordering::Relaxed),
        0,
        "answers differing from the model"
    );
    assert!(
        growth < 0.10,
        "resident memory grew {:.1}% after warm-up",
        growth * 100.0
    );
}

/// The mix exercises every kind of answer: allowed preflights, refused
/// ones for each reason, and requests the app answers; all of them vary.
#[test]
fn the_mix_covers_allowed_refused_and_malformed_answers() {
    let mix = mix(&[credentialed()]);
    let statuses: Vec<u16> = mix.iter().map(|t| t.expect[0].status).collect();
    assert!(statuses.contains(&204) && statuses.contains(&403) && statuses.contains(&200));
    let refusals: Vec<&str> = mix
        .iter()
        .filter_map(|t| t.expect[0].cors.get("cors-refusal"))
        .map(String::as_str)
        .collect();
    // Each kind of reason, whatever the culprit it names.
    for why in [
        "origin not allowed",
        "method \"",
        "header \"",
        "malformed: ",
    ] {
        assert!(
            refusals.iter().any(|r| r.starts_with(why)),
            "{why} in {refusals:?}"
        );
    }
    assert!(
        mix.iter().all(|t| !t.expect[0].vary.is_empty()),
        "every answer varies by origin"
    );
}

/// The configuration an operator edits [`credentialed`] into: an origin and
/// the pattern dropped, one added, other methods, headers, exposed headers
/// and max-age, so that most requests of the mix are answered differently.
fn edited() -> ModelPolicy {
    ModelPolicy {
        origins: vec![
            "http://localhost:3000".into(),
            "https://new.example.com".into(),
        ],
        methods: vec!["PUT".into(), "DELETE".into()],
        headers: vec!["content-type".into()],
        expose: vec!["x-total".into()],
        max_age: Some(60),
        ..credentialed()
    }
}

/// Resident memory every 100 ms until `done`.
fn sample_memory(done: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<(Duration, u64)>> {
    tokio::spawn(async move {
        let start = Instant::now();
        let mut samples = Vec::new();
        while !done.load(Ordering::Relaxed) {
            samples.push((start.elapsed(), resident_bytes()));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        samples
    })
}

#[test]
#[ignore = "reload under load: LOAD_SECS=10 cargo test --release --test load -- --ignored --nocapture"]
fn reload_every_millisecond_under_load() {
    run_alone(reload_soak());
}

async fn reload_soak() {
    let secs: u64 = std::env::var("LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let configurations = [credentialed(), edited()];
    let mix = Arc::new(mix(&configurations));
    let differing = mix.iter().filter(|t| t.expect[0] != t.expect[1]).count();
    assert!(differing * 2 > mix.len(), "the two policies answer alike");
    let first = configurations[0].build().expect("valid policy");

    // The reference: a layer made with `CorsLayer::new`, which also warms
    // the process up. Only the first policy's answers are right here.
    let fixed_secs = (secs / 2).max(2);
    let fixed = serve(app().layer(CorsLayer::new(first.clone()))).await;
    let fixed_mix = Arc::new(mix_of_first(&mix));
    let started = Instant::now();
    let totals = drive(
        fixed,
        fixed_mix,
        started + Duration::from_secs(fixed_secs),
        true,
    )
    .await;
    let fixed_rps =
        totals.requests.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    assert_eq!(
        totals.errors.load(Ordering::Relaxed),
        0,
        "errors, fixed layer"
    );
    assert_eq!(
        totals.wrong.load(Ordering::Relaxed),
        0,
        "wrong answers, fixed layer"
    );

    // The reloadable layer, its policy replaced every millisecond by a
    // freshly built one, the two configurations in turn.
    let (layer, handle) = CorsLayer::reloadable(first);
    let server = serve(app().layer(layer)).await;
    let done = Arc::new(AtomicBool::new(false));
    let reloader = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut reloads = 0u64;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(1));
                reloads += 1;
                let next = &configurations[(reloads % 2) as usize];
                handle.replace(next.build().expect("valid policy"));
            }
            reloads
        })
    };
    let sampler = sample_memory(done.clone());
    let started = Instant::now();
    let totals = drive(
        server,
        mix.clone(),
        started + Duration::from_secs(secs),
        true,
    )
    .await;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let samples = sampler.await.expect("sampler");
    let reloads = reloader.join().expect("reloader");
    let requests = totals.requests.load(Ordering::Relaxed);
    let reload_rps = requests as f64 / elapsed.as_secs_f64();

    let at = |fraction: f64| {
        let t = elapsed.mul_f64(fraction);
        samples
            .iter()
            .find(|(when, _)| *when >= t)
            .or(samples.last())
            .map(|(_, rss)| *rss)
            .expect("samples")
    };
    let (third, end) = (at(1.0 / 3.0), at(1.0));
    let growth = end as f64 / third as f64 - 1.0;
    let (only_first, only_second) = (
        totals.only_first.load(Ordering::Relaxed),
        totals.only_second.load(Ordering::Relaxed),
    );

    println!(
        "mix of {} requests ({differing} answered differently by the two policies), {CONNECTIONS} keep-alive connections",
        mix.len()
    );
    println!("CorsLayer::new:        {fixed_rps:>9.0} requests/s over {fixed_secs} s");
    println!(
        "CorsLayer::reloadable: {reload_rps:>9.0} requests/s over {secs} s ({requests} requests), {reloads} reloads ({:.0}/s)",
        reloads as f64 / elapsed.as_secs_f64()
    );
    println!("answers only the first policy gives: {only_first}, only the second: {only_second}");
    println!(
        "resident memory: {:.1} MiB at 1/3, {:.1} MiB at the end ({:+.1}%)",
        third as f64 / 1048576.0,
        end as f64 / 1048576.0,
        growth * 100.0,
    );

    assert!(requests > 0);
    assert_eq!(
        totals.errors.load(Ordering::Relaxed),
        0,
        "connection or protocol errors"
    );
    assert_eq!(
        totals.wrong.load(Ordering::Relaxed),
        0,
        "answers that are neither policy's"
    );
    assert!(
        only_first > 0 && only_second > 0,
        "both policies answered under load"
    );
    // A sleep of 1 ms takes longer on a busy machine; a quarter of the
    // nominal rate still replaces the policy thousands of times.
    assert!(
        reloads as f64 >= elapsed.as_secs_f64() * 250.0,
        "{reloads} reloads in {elapsed:?}"
    );
    assert!(
        growth < 0.10,
        "resident memory grew {:.1}% after warm-up",
        growth * 100.0
    );
}

/// `mix` with only its first policy's answers expected.
fn mix_of_first(mix: &[Template]) -> Vec<Template> {
    mix.iter()
        .map(|t| Template {
            name: t.name,
            bytes: t.bytes.clone(),
            has_body: t.has_body,
            expect: t.expect[..1].to_vec(),
        })
        .collect()
}

/// Most of the mix is answered differently by the two configurations, so
/// that a mix of the two in one answer would match neither.
#[test]
fn the_edited_policy_answers_most_of_the_mix_differently() {
    let mix = mix(&[credentialed(), edited()]);
    let differing: Vec<&str> = mix
        .iter()
        .filter(|t| t.expect[0] != t.expect[1])
        .map(|t| t.name)
        .collect();
    assert!(differing.len() * 2 > mix.len(), "{differing:?}");
    assert!(differing.contains(&"preflight allowed"));
    assert!(differing.contains(&"get allowed"));
    assert_eq!(credentialed().origins[0], APP);
    assert!(!edited().origins.contains(&APP.to_owned()));
}
