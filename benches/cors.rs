//! CORS overhead of `tower_cors` beside `tower_http::cors` .
//!
//! Both layers wrap the same trivial service and get the same requests,
//! built afresh in every iteration, under the same policy: allowed origins
//! (1, 1000 or 100,000 with the allowed one last, or a subdomain pattern),
//! methods GET/POST/PUT, two allowed headers, one exposed header,
//! credentials and a max-age.
//!
//! - `overhead/{layer}/{origins}/{scenario}`: time through the layer minus
//!   the same iteration without it (building the request and calling the
//!   bare service, or only building it for a preflight), timed back to back
//!   in each sample. `{layer}` is `tower-http`, `tower-cors`
//!   (`CorsLayer::new`), `tower-cors-reloadable` (`CorsLayer::reloadable`,
//!   its first policy) or `tower-cors-reloaded` (the same after its handle
//!   replaced the policy 100,000 times with distinct ones, the last being
//!   the scenario's).
//! - `baseline/{scenario}`: that iteration without the layer.
//! - `clone/{crate}/{origins}`: cloning and dropping the wrapped service.
//! - `parts/*`: tower-cors's classify, evaluate and apply_to alone.
//!
//! After the run the tables of BENCHMARKS.md are printed.
//!
//! ```text
//! cargo bench --bench cors -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench cors -- --warm-up-time 0.5 --measurement-time 1   # quick
//! ```

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::hint::black_box;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use criterion::Criterion;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, VARY};
use http::{Method, Request, Response};
use http_body_util::Empty;
use tower_cors::{Cors, CorsLayer, Policy, PolicyHandle};
use tower_http::cors::{AllowOrigin, CorsLayer as TowerHttpLayer};
use tower_layer::Layer;
use tower_service::Service;

type Body = Empty<Bytes>;

/// The application: answers at once with an empty response.
#[derive(Clone, Copy)]
struct App;

impl Service<Request<Body>> for App {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Ready<Result<Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<Body>) -> Self::Future {
        ready(Ok(Response::new(Body::new())))
    }
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

/// One request through a ready service, polled to completion: every
/// future here is ready at the first poll.
fn call<S>(service: &mut S, request: Request<Body>, waker: &Waker) -> Response<Body>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
{
    let mut cx = Context::from_waker(waker);
    assert!(service.poll_ready(&mut cx).is_ready());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        _ => panic!("the trivial service answers at once"),
    }
}

const ALLOWED: &str = "https://app.example.com";
const DISALLOWED: &str = "https://evil.example";

/// The configured origins.
#[derive(Clone, Copy)]
enum Origins {
    One,
    Thousand,
    /// What a SaaS with a front-end per customer lists: exact origins are
    /// one hash lookup however many there are.
    HundredThousand,
    Pattern,
}

impl Origins {
    const ALL: [Origins; 4] = [
        Origins::One,
        Origins::Thousand,
        Origins::HundredThousand,
        Origins::Pattern,
    ];

    fn name(self) -> &'static str {
        match self {
            Origins::One => "1-origin",
            Origins::Thousand => "1000-origins",
            Origins::HundredThousand => "100000-origins",
            Origins::Pattern => "pattern",
        }
    }

    /// Exact origins, the allowed one last.
    fn list(self) -> Vec<String> {
        let count = match self {
            Origins::One => 1,
            Origins::Thousand => 1000,
            Origins::HundredThousand => 100_000,
            Origins::Pattern => unreachable!("a pattern is not a list"),
        };
        let mut origins: Vec<String> = (1..count)
            .map(|i| format!("https://app{i}.example.net"))
            .collect();
        origins.push(ALLOWED.to_owned());
        origins
    }
}

fn tower_cors_policy(origins: Origins) -> Policy {
    let builder = Policy::builder();
    let builder = match origins {
        Origins::Pattern => builder.allow_origins(["https://*.example.com"]),
        _ => builder.allow_origins(origins.list()),
    };
    builder
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("valid policy")
}

fn tower_cors_layer(origins: Origins) -> CorsLayer {
    CorsLayer::new(tower_cors_policy(origins))
}

/// How many times the handle of `tower-cors-reloaded` replaces its policy.
const RELOADS: u64 = 100_000;

/// The `i`-th policy of a server that reloads: distinct in its origins and
/// in every answer value (`Access-Control-Max-Age`), as each reload of an
/// edited configuration is.
fn reload_policy(i: u64) -> Policy {
    Policy::builder()
        .allow_origins([ALLOWED.to_owned(), format!("https://r{i}.example.net")])
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(i % 86_400))
        .build()
        .expect("valid policy")
}

/// A reloadable layer with the scenario's policy, after its handle
/// replaced the policy `reloads` times: with distinct ones, then with the
/// scenario's, built afresh.
fn reloaded_layer(origins: Origins, reloads: u64) -> (CorsLayer, PolicyHandle) {
    let (layer, handle) = CorsLayer::reloadable(tower_cors_policy(origins));
    if reloads > 0 {
        for i in 1..reloads {
            handle.replace(reload_policy(i));
        }
        handle.replace(tower_cors_policy(origins));
    }
    (layer, handle)
}

fn tower_http_layer(origins: Origins) -> TowerHttpLayer {
    let allow_origin = match origins {
        // What a tower-http user writes for `https://*.example.com`.
        Origins::Pattern => AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin
                .as_bytes()
                .strip_prefix(b"https://")
                .and_then(|host| host.strip_suffix(b".example.com"))
                .is_some_and(|sub| !sub.is_empty())
        }),
        _ => AllowOrigin::list(
            origins
                .list()
                .iter()
                .map(|o| HeaderValue::from_str(o).expect("valid origin")),
        ),
    };
    TowerHttpLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([CONTENT_TYPE, HeaderName::from_static("x-custom")])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// The requests, each made afresh per iteration. Header values are static,
/// so cloning them is free, as cloning hyper's shared buffers nearly is.
#[derive(Clone, Copy)]
enum Scenario {
    GetWithoutOrigin,
    GetAllowed,
    GetDisallowed,
    PreflightAllowed,
    PreflightDisallowed,
    PreflightHostile,
    /// Beyond the basic scenarios: an allowed GET with the 15 headers Chrome sends
    /// on a cross-origin `fetch`, since classifying reads every header.
    BrowserGetAllowed,
}

impl Scenario {
    const ALL: [Scenario; 6] = [
        Scenario::GetWithoutOrigin,
        Scenario::GetAllowed,
        Scenario::GetDisallowed,
        Scenario::PreflightAllowed,
        Scenario::PreflightDisallowed,
        Scenario::PreflightHostile,
    ];

    fn name(self) -> &'static str {
        match self {
            Scenario::GetWithoutOrigin => "get-without-origin",
            Scenario::GetAllowed => "get-allowed",
            Scenario::GetDisallowed => "get-disallowed",
            Scenario::PreflightAllowed => "preflight-allowed",
            Scenario::PreflightDisallowed => "preflight-disallowed",
            Scenario::PreflightHostile => "preflight-hostile-64k",
            Scenario::BrowserGetAllowed => "browser-get-allowed",
        }
    }

    fn is_preflight(self) -> bool {
        matches!(
            self,
            Scenario::PreflightAllowed | Scenario::PreflightDisallowed | Scenario::PreflightHostile
        )
    }
}

/// A cross-origin `fetch(url, {credentials: "include"})` by Chrome.
const CHROME_GET: &[(&str, &str)] = &[
    ("host", "api.example.com"),
    ("connection", "keep-alive"),
    ("sec-ch-ua", "\"Chromium\";v=\"142\", \"Not_A Brand\";v=\"99\""),
    ("sec-ch-ua-mobile", "?0"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"),
    ("sec-ch-ua-platform", "\"Linux\""),
    ("accept", "*/*"),
    ("origin", ALLOWED),
    ("sec-fetch-site", "same-site"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-dest", "empty"),
    ("referer", "https://app.example.com/"),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-US,en;q=0.9"),
    ("cookie", "session=0123456789abcdef"),
];

/// Builds one scenario's request.
struct Requests {
    commas: HeaderValue,
}

impl Requests {
    fn new() -> Self {
        // 64 KiB of commas, made once; each request clones the handle.
        let commas: &'static str = Box::leak(",".repeat(64 * 1024).into_boxed_str());
        Self {
            commas: HeaderValue::from_static(commas),
        }
    }

    fn make(&self, scenario: Scenario) -> Request<Body> {
        let get = || Request::get("/items");
        let preflight = |origin: &'static str| {
            Request::options("/items")
                .header("origin", HeaderValue::from_static(origin))
                .header(
                    "access-control-request-method",
                    HeaderValue::from_static("PUT"),
                )
        };
        let builder = match scenario {
            Scenario::GetWithoutOrigin => get(),
            Scenario::GetAllowed => get().header("origin", HeaderValue::from_static(ALLOWED)),
            Scenario::GetDisallowed => get().header("origin", HeaderValue::from_static(DISALLOWED)),
            Scenario::PreflightAllowed => preflight(ALLOWED).header(
                "access-control-request-headers",
                HeaderValue::from_static("content-type,x-custom"),
            ),
            Scenario::PreflightDisallowed => preflight(DISALLOWED),
            Scenario::PreflightHostile => {
                preflight(ALLOWED).header("access-control-request-headers", self.commas.clone())
            }
            Scenario::BrowserGetAllowed => {
                let mut builder = get();
                for (name, value) in CHROME_GET {
                    builder = builder.header(*name, HeaderValue::from_static(value));
                }
                builder
            }
        };
        builder.body(Body::new()).expect("valid request")
    }
}

/// Times `subject` and `baseline` alternately, the same number of times,
/// and reports the difference: the overhead, with drift between benchmarks
/// (other processes, frequency) cancelled out.
fn overhead(c: &mut Criterion, id: &str, mut subject: impl FnMut(), mut baseline: impl FnMut()) {
    let mut sample = 0u64;
    c.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let time = |f: &mut dyn FnMut()| {
                let start = Instant::now();
                for _ in 0..iters {
                    f();
                }
                start.elapsed()
            };
            sample += 1;
            let (with, without) = if sample % 2 == 0 {
                let with = time(&mut subject);
                (with, time(&mut baseline))
            } else {
                let without = time(&mut baseline);
                (time(&mut subject), without)
            };
            // Criterion needs a positive time; an overhead lost in the
            // noise shows as (about) zero.
            with.saturating_sub(without).max(Duration::from_nanos(1))
        })
    });
}

/// The iteration without CORS: building the request and calling the bare
/// service, or only building it for a preflight, which never reaches the
/// service.
fn baseline<'a>(requests: &'a Requests, scenario: Scenario, waker: &'a Waker) -> impl FnMut() + 'a {
    let mut app = App;
    move || {
        let request = requests.make(black_box(scenario));
        if scenario.is_preflight() {
            black_box(request);
        } else {
            black_box(call(&mut app, request, waker));
        }
    }
}

fn baselines(c: &mut Criterion, requests: &Requests, waker: &Waker) {
    for scenario in Scenario::ALL
        .into_iter()
        .chain([Scenario::BrowserGetAllowed])
    {
        c.bench_function(&format!("baseline/{}", scenario.name()), |b| {
            b.iter(baseline(requests, scenario, waker))
        });
    }
}

/// The services compared, wrapping the same [`App`] under the same policy.
struct Layered {
    tower_cors: Cors<App>,
    reloadable: Cors<App>,
    reloaded: Cors<App>,
    tower_http: tower_http::cors::Cors<App>,
}

impl Layered {
    /// `reloads` replacements for the reloaded layer.
    fn new(origins: Origins, reloads: u64) -> Self {
        Self {
            tower_cors: tower_cors_layer(origins).layer(App),
            reloadable: CorsLayer::reloadable(tower_cors_policy(origins))
                .0
                .layer(App),
            reloaded: reloaded_layer(origins, reloads).0.layer(App),
            tower_http: tower_http_layer(origins).layer(App),
        }
    }
}

/// The overhead of one request through `service`.
fn overhead_through<S>(
    c: &mut Criterion,
    id: &str,
    service: &mut S,
    requests: &Requests,
    scenario: Scenario,
    waker: &Waker,
) where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
{
    overhead(
        c,
        id,
        || {
            black_box(call(service, requests.make(black_box(scenario)), waker));
        },
        baseline(requests, scenario, waker),
    );
}

fn overheads(c: &mut Criterion, requests: &Requests, waker: &Waker) {
    for origins in Origins::ALL {
        let mut layered = Layered::new(origins, RELOADS);
        check_reloaded(&mut layered.reloaded, requests, waker);
        let extra = match origins {
            Origins::One => &[Scenario::BrowserGetAllowed][..],
            _ => &[],
        };
        for &scenario in Scenario::ALL.iter().chain(extra) {
            let id =
                |layer: &str| format!("overhead/{layer}/{}/{}", origins.name(), scenario.name());
            let l = &mut layered;
            overhead_through(
                c,
                &id("tower-cors"),
                &mut l.tower_cors,
                requests,
                scenario,
                waker,
            );
            overhead_through(
                c,
                &id("tower-cors-reloadable"),
                &mut l.reloadable,
                requests,
                scenario,
                waker,
            );
            overhead_through(
                c,
                &id("tower-cors-reloaded"),
                &mut l.reloaded,
                requests,
                scenario,
                waker,
            );
            overhead_through(
                c,
                &id("tower-http"),
                &mut l.tower_http,
                requests,
                scenario,
                waker,
            );
        }
        // axum clones the route's service for every request.
        let id = |layer: &str| format!("clone/{layer}/{}", origins.name());
        let l = &layered;
        c.bench_function(&id("tower-cors"), |b| {
            b.iter(|| black_box(&l.tower_cors).clone())
        });
        c.bench_function(&id("tower-cors-reloadable"), |b| {
            b.iter(|| black_box(&l.reloadable).clone())
        });
        c.bench_function(&id("tower-http"), |b| {
            b.iter(|| black_box(&l.tower_http).clone())
        });
    }
}

/// Where tower-cors spends its time, for the 1-origin policy, each minus
/// building the request: classifying alone (simple or actual), deciding
/// alone, and deciding then writing the headers into an empty header map;
/// and the cost of a first header in an empty map (the map's two
/// allocations), which the layer pays when the application's response has
/// no header.
fn parts(c: &mut Criterion, requests: &Requests) {
    let policy = tower_cors_policy(Origins::One);
    let build = |scenario: Scenario| {
        move || {
            black_box(requests.make(black_box(scenario)));
        }
    };
    for scenario in Scenario::ALL
        .into_iter()
        .chain([Scenario::BrowserGetAllowed])
    {
        let id = |part: &str| format!("parts/{part}/{}", scenario.name());
        overhead(
            c,
            &id("classify"),
            || {
                let request = requests.make(black_box(scenario));
                black_box(policy.classify(&request));
            },
            build(scenario),
        );
        overhead(
            c,
            &id("evaluate"),
            || {
                let request = requests.make(black_box(scenario));
                black_box(policy.evaluate(&request));
            },
            build(scenario),
        );
        overhead(
            c,
            &id("evaluate-apply"),
            || {
                let request = requests.make(black_box(scenario));
                let mut headers = HeaderMap::new();
                policy
                    .evaluate(&request)
                    .into_headers()
                    .apply_to(&mut headers);
                black_box(headers);
            },
            build(scenario),
        );
    }
    c.bench_function("parts/first-header-in-empty-map", |b| {
        b.iter(|| {
            let mut headers = HeaderMap::new();
            headers.insert(VARY, HeaderValue::from_static("origin"));
            headers
        })
    });
}

/// What a scenario must get: the status, and the allowed origin if any.
fn expected(scenario: Scenario) -> (u16, Option<&'static str>) {
    match scenario {
        Scenario::GetWithoutOrigin | Scenario::GetDisallowed => (200, None),
        Scenario::GetAllowed | Scenario::BrowserGetAllowed => (200, Some(ALLOWED)),
        Scenario::PreflightAllowed => (204, Some(ALLOWED)),
        Scenario::PreflightDisallowed | Scenario::PreflightHostile => (403, None),
    }
}

fn allowed_origin(response: &Response<Body>) -> Option<&[u8]> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(HeaderValue::as_bytes)
}

/// Checks that a tower-cors service answers every scenario as expected.
fn check_tower_cors(name: &str, service: &mut Cors<App>, requests: &Requests, waker: &Waker) {
    for scenario in Scenario::ALL
        .into_iter()
        .chain([Scenario::BrowserGetAllowed])
    {
        let response = call(service, requests.make(scenario), waker);
        let (status, allowed) = expected(scenario);
        assert_eq!(
            response.status().as_u16(),
            status,
            "{name} {}",
            scenario.name()
        );
        assert_eq!(
            allowed_origin(&response),
            allowed.map(str::as_bytes),
            "{name} {}",
            scenario.name()
        );
    }
}

/// The reloaded layer answers as the others do, and its last reload put
/// in force the scenario's policy (600 s of max-age), not a reload policy.
fn check_reloaded(service: &mut Cors<App>, requests: &Requests, waker: &Waker) {
    check_tower_cors("reloaded", service, requests, waker);
    let response = call(service, requests.make(Scenario::PreflightAllowed), waker);
    assert_eq!(response.headers()["access-control-max-age"], "600");
}

/// Sanity check before timing: every layer answers each scenario as
/// expected, so that no benchmark times an error path by mistake. The
/// reloaded layer is checked here after a few reloads (the code is the
/// same), and after all of them where it is built.
fn check_answers(requests: &Requests, waker: &Waker) {
    for origins in Origins::ALL {
        check_layered(&mut Layered::new(origins, 3), requests, waker);
    }
}

fn check_layered(layered: &mut Layered, requests: &Requests, waker: &Waker) {
    {
        check_tower_cors("tower-cors", &mut layered.tower_cors, requests, waker);
        check_tower_cors("reloadable", &mut layered.reloadable, requests, waker);
        check_reloaded(&mut layered.reloaded, requests, waker);
        for scenario in Scenario::ALL
            .into_iter()
            .chain([Scenario::BrowserGetAllowed])
        {
            let theirs = call(&mut layered.tower_http, requests.make(scenario), waker);
            // tower-http answers every OPTIONS with 200 and does not check
            // the requested headers, so the hostile preflight gets its
            // `Access-Control-Allow-Origin` there.
            let theirs_allowed = match scenario {
                Scenario::PreflightHostile => Some(ALLOWED),
                _ => expected(scenario).1,
            };
            assert_eq!(
                allowed_origin(&theirs),
                theirs_allowed.map(str::as_bytes),
                "tower-http {}",
                scenario.name()
            );
        }
    }
}

fn main() {
    let started = SystemTime::now();
    let waker = Waker::from(Arc::new(NoopWaker));
    let requests = Requests::new();
    if let Some(spec) = std::env::var_os("CORS_BENCH_LOOP") {
        run_loop(&spec.to_string_lossy(), &requests, &waker);
        return;
    }
    check_answers(&requests, &waker);

    let mut c = Criterion::default().configure_from_args();
    baselines(&mut c, &requests, &waker);
    overheads(&mut c, &requests, &waker);
    parts(&mut c, &requests);
    c.final_summary();

    print_table(started);
}

/// For counting instructions (`benches/instructions.sh`): runs one
/// scenario `n` times through one layer (`tower-cors`,
/// `tower-cors-reloadable`, `tower-cors-reloaded`, `tower-http`) or none
/// (`base`), with nothing else timed or printed. `spec` is
/// `{which}/{origins}/{scenario}/{n}`, origins as in the benchmark ids.
/// The reloaded layer's handle replaces its policy `CORS_BENCH_RELOADS`
/// times (default 0).
fn run_loop(spec: &str, requests: &Requests, waker: &Waker) {
    let parts: Vec<&str> = spec.split('/').collect();
    let [which, origins, scenario, n] = parts[..] else {
        panic!("CORS_BENCH_LOOP is which/origins/scenario/n, not {spec:?}");
    };
    let origins = Origins::ALL
        .into_iter()
        .find(|o| o.name() == origins)
        .unwrap_or_else(|| panic!("no origins {origins:?}"));
    let scenario = Scenario::ALL
        .into_iter()
        .chain([Scenario::BrowserGetAllowed])
        .find(|s| s.name() == scenario)
        .unwrap_or_else(|| panic!("no scenario {scenario:?}"));
    let n: u64 = n.parse().expect("n is a number");
    let reloads: u64 = std::env::var("CORS_BENCH_RELOADS")
        .ok()
        .map(|r| r.parse().expect("CORS_BENCH_RELOADS is a number"))
        .unwrap_or(0);
    // Every layer is built, and every reload done, in every mode, so that
    // building them (1000 origins or 100,000 reloads take a while) is the
    // same in all counts and cancels.
    let mut layered = Layered::new(origins, reloads);
    check_layered(&mut layered, requests, waker);
    measured_loop(which, &mut layered, requests, scenario, waker, n);
}

/// The requests of [`run_loop`] alone, in a function of its own so that
/// callgrind can count it without the setup (`--toggle-collect`), as
/// `instructions.sh` does where the setup is long and its count varies
/// from run to run (100,000 reloads).
#[inline(never)]
fn measured_loop(
    which: &str,
    layered: &mut Layered,
    requests: &Requests,
    scenario: Scenario,
    waker: &Waker,
    n: u64,
) {
    // Inlined: a tail call to it would leave `measured_loop` for callgrind.
    #[inline(always)]
    fn through<S>(service: &mut S, requests: &Requests, scenario: Scenario, waker: &Waker, n: u64)
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        for _ in 0..n {
            black_box(call(service, requests.make(black_box(scenario)), waker));
        }
    }
    let l = layered;
    match which {
        "tower-cors" => through(&mut l.tower_cors, requests, scenario, waker, n),
        "tower-cors-reloadable" => through(&mut l.reloadable, requests, scenario, waker, n),
        "tower-cors-reloaded" => through(&mut l.reloaded, requests, scenario, waker, n),
        "tower-http" => through(&mut l.tower_http, requests, scenario, waker, n),
        "base" => {
            let mut run = baseline(requests, scenario, waker);
            for _ in 0..n {
                run();
            }
        }
        _ => panic!("which is tower-cors, tower-cors-reloadable, tower-cors-reloaded, tower-http or base, not {which:?}"),
    }
}

/// Where criterion keeps its estimates (as criterion itself decides).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
    target.join("criterion")
}

/// The median of one benchmark measured in this run, in nanoseconds.
fn median(dir: &std::path::Path, id: &str, since: SystemTime) -> Option<f64> {
    // Criterion's directory for an id has `_` for `/`.
    let path = dir
        .join(id.replace('/', "_"))
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn print_table(since: SystemTime) {
    let dir = criterion_dir();
    let get = |id: &str| median(&dir, id, since);
    let fmt = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
    let ratio = |ours: Option<f64>, theirs: Option<f64>| match (ours, theirs) {
        (Some(o), Some(t)) if t > 0.0 => format!("{:.3}", o / t),
        _ => "-".to_owned(),
    };
    println!();
    println!("CORS overhead, median ns; ratio = tower-cors / tower-http (target <= 0.25);");
    println!("reloadable = CorsLayer::reloadable, reloaded = the same after {RELOADS} reloads");
    println!(
        "| origins | scenario | tower-http ns | tower-cors ns | reloadable ns | reloaded ns | ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for origins in Origins::ALL {
        for scenario in Scenario::ALL
            .into_iter()
            .chain([Scenario::BrowserGetAllowed])
        {
            let id =
                |layer: &str| format!("overhead/{layer}/{}/{}", origins.name(), scenario.name());
            let (ours, theirs) = (get(&id("tower-cors")), get(&id("tower-http")));
            if ours.is_none() && theirs.is_none() {
                continue;
            }
            println!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                origins.name(),
                scenario.name(),
                fmt(theirs),
                fmt(ours),
                fmt(get(&id("tower-cors-reloadable"))),
                fmt(get(&id("tower-cors-reloaded"))),
                ratio(ours, theirs)
            );
        }
        let id = |layer: &str| format!("clone/{layer}/{}", origins.name());
        let (ours, theirs) = (get(&id("tower-cors")), get(&id("tower-http")));
        println!(
            "| {} | clone-service | {} | {} | {} | - | {} |",
            origins.name(),
            fmt(theirs),
            fmt(ours),
            fmt(get(&id("tower-cors-reloadable"))),
            ratio(ours, theirs)
        );
    }
    for (many, target) in [
        (Origins::Thousand, "1.2"),
        (Origins::HundredThousand, "1.2"),
    ] {
        println!();
        println!(
            "tower-cors, {} / 1 origin (target <= {target}):",
            many.name()
        );
        for scenario in Scenario::ALL {
            let id = |origins: Origins| {
                format!("overhead/tower-cors/{}/{}", origins.name(), scenario.name())
            };
            let (one, more) = (get(&id(Origins::One)), get(&id(many)));
            println!(
                "  {}: {} / {} = {}",
                scenario.name(),
                fmt(more),
                fmt(one),
                ratio(more, one)
            );
        }
    }
    println!();
    println!("tower-cors-reloaded / tower-cors-reloadable, 1 origin (target <= 1.1):");
    for scenario in Scenario::ALL {
        let id = |layer: &str| format!("overhead/{layer}/1-origin/{}", scenario.name());
        let (first, reloaded) = (
            get(&id("tower-cors-reloadable")),
            get(&id("tower-cors-reloaded")),
        );
        println!(
            "  {}: {} / {} = {}",
            scenario.name(),
            fmt(reloaded),
            fmt(first),
            ratio(reloaded, first)
        );
    }
    println!();
    println!("tower-cors parts, 1 origin, median ns minus building the request:");
    println!("| scenario | baseline ns | classify | evaluate | evaluate + apply_to |");
    println!("|---|---:|---:|---:|---:|");
    for scenario in Scenario::ALL
        .into_iter()
        .chain([Scenario::BrowserGetAllowed])
    {
        let part = |what: &str| get(&format!("parts/{what}/{}", scenario.name()));
        println!(
            "| {} | {} | {} | {} | {} |",
            scenario.name(),
            fmt(get(&format!("baseline/{}", scenario.name()))),
            fmt(part("classify")),
            fmt(part("evaluate")),
            fmt(part("evaluate-apply"))
        );
    }
    println!(
        "first header in an empty HeaderMap (with the map): {} ns",
        fmt(get("parts/first-header-in-empty-map"))
    );
}
