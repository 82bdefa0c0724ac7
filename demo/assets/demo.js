// The demo page's script: runs each case with fetch() against the API, notes
// what the browser let it read, then asks the page server (same origin as
// this page) what the API's CORS policy decided for every request it saw.
//
// Contract for automated checks: each case is a
// <tr data-case data-expected data-outcome data-pass data-statuses
// data-refusals> row (the statuses the server answered, space-separated,
// and its refusal reasons, joined by " | ": the CsrfLayer's csrf-refusal
// where the guard refused, else the CorsLayer's cors-refusal), holding an
// <svg class="sequence"> whose refused step carries data-refused;
// document.body.dataset.debug says whether the cases ran against the
// debug-mode API (?debug=1), and document.body.dataset.done is "true" once
// every row is final.
"use strict";

// ?debug=1: the same cases against the same API with debug mode on.
const DEBUG = new URLSearchParams(location.search).get("debug") === "1";
const apiPort = document.querySelector(
  DEBUG ? 'meta[name="demo-debug-api-port"]' : 'meta[name="demo-api-port"]').content;
// The API under the same host name as this page ("localhost" unless the
// user typed 127.0.0.1): both then belong to one site, so the SameSite=Lax
// session cookie of the credentials case is sent along.
const API = `${location.protocol}//${location.hostname}:${apiPort}`;

// A fresh id per page load. It keys the server's record to this run, and it
// makes every URL new, so that a preflight answer cached by an earlier run
// (Access-Control-Max-Age: 600) cannot keep this run's preflights from
// reaching the server.
const RUN = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

function url(path, caseId) {
  return `${API}${path}?case=${caseId}&run=${RUN}`;
}

// What the server should record for a case, one entry per request in order.
// `app`: whether the request reached a handler. `kind`, where given, is the
// server's classification: "simple" for a request sent without asking first
// (whatever headers the browser adds on its own, such as Firefox's
// `Priority`), "actual" for one that followed a preflight. `status`: what the
// server answered, and `debugStatus` what it answers in debug mode.
// `guard`: the CsrfLayer's csrf-refusal reasons that may refuse it (which
// one depends on the headers the browser sends), for a request it refused.
const PREFLIGHT_ALLOWED = { preflight: true, allowed: true, app: false, status: 204 };
// Refused for its method or a header: debug mode answers 200 with the
// configured lists, so the console names what is missing, and the browser
// still blocks the request.
const PREFLIGHT_REFUSED = { preflight: true, allowed: false, app: false, status: 403, debugStatus: 200 };
// Refused for its origin: 403 with no Access-Control-* header, debug or not.
const PREFLIGHT_REFUSED_ORIGIN = { preflight: true, allowed: false, app: false, status: 403 };
const REQUEST_ALLOWED = { preflight: false, allowed: true, app: true, status: 200 };
const SIMPLE_ALLOWED = { ...REQUEST_ALLOWED, kind: "simple" };
const ACTUAL_ALLOWED = { ...REQUEST_ALLOWED, kind: "actual" };
// CORS protects the response, not the server: a request the browser sends
// without asking first runs even when its origin is refused.
const REQUEST_REFUSED = { preflight: false, allowed: false, app: true, status: 200 };

const JSON_TYPE = { "content-type": "application/json" };

const CASES = [
  {
    id: "simple-get",
    title: "Simple GET",
    request: "GET /api/hello",
    why: "No custom header: sent without a preflight; the answer names this origin.",
    expected: "allowed",
    server: [SIMPLE_ALLOWED],
    async run(id) {
      const response = await fetch(url("/api/hello", id));
      const body = await response.text();
      return { detail: `status ${response.status}, body ${body}`, ok: response.status === 200 };
    },
  },
  {
    id: "simple-post",
    title: "Simple POST",
    request: "POST /api/echo, text/plain",
    why: "text/plain is a type an HTML form can send, so no preflight.",
    expected: "allowed",
    server: [SIMPLE_ALLOWED],
    async run(id) {
      const sent = "hello from the page";
      const response = await fetch(url("/api/echo", id), {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: sent,
      });
      const body = await response.text();
      return { detail: `echoed "${body}"`, ok: body === sent };
    },
  },
  {
    id: "preflight-put",
    title: "Preflighted PUT",
    request: "PUT /api/items/1, JSON, x-custom",
    why: "PUT, application/json and x-custom all need a preflight first; the policy allows them.",
    expected: "allowed",
    server: [PREFLIGHT_ALLOWED, ACTUAL_ALLOWED],
    async run(id) {
      const response = await fetch(url("/api/items/1", id), {
        method: "PUT",
        headers: { ...JSON_TYPE, "x-custom": "demo" },
        body: JSON.stringify({ name: "lamp" }),
      });
      const body = await response.text();
      return { detail: `status ${response.status}, body ${body}`, ok: response.status === 200 };
    },
  },
  {
    id: "delete",
    title: "DELETE",
    request: "DELETE /api/items/1",
    why: "Not a safelisted method: preflighted, and allowed by the policy.",
    expected: "allowed",
    server: [PREFLIGHT_ALLOWED, ACTUAL_ALLOWED],
    async run(id) {
      const response = await fetch(url("/api/items/1", id), { method: "DELETE" });
      const body = await response.text();
      return { detail: `status ${response.status}, body ${body}`, ok: response.status === 200 };
    },
  },
  {
    id: "patch",
    title: "PATCH",
    request: "PATCH /api/items/1, JSON",
    why: "Preflighted; the policy lists PATCH.",
    expected: "allowed",
    server: [PREFLIGHT_ALLOWED, ACTUAL_ALLOWED],
    async run(id) {
      const response = await fetch(url("/api/items/1", id), {
        method: "PATCH",
        headers: JSON_TYPE,
        body: JSON.stringify({ name: "desk lamp" }),
      });
      const body = await response.text();
      return { detail: `status ${response.status}, body ${body}`, ok: response.status === 200 };
    },
  },
  {
    id: "patch-lowercase",
    title: "Lowercase patch",
    request: "patch /api/items/1",
    why: "Browsers uppercase only DELETE GET HEAD OPTIONS POST PUT; \"patch\" goes out as written and does not match PATCH.",
    expected: "blocked",
    server: [PREFLIGHT_REFUSED],
    async run(id) {
      const response = await fetch(url("/api/items/1", id), {
        method: "patch",
        headers: JSON_TYPE,
        body: JSON.stringify({ name: "desk lamp" }),
      });
      return { detail: `status ${response.status}`, ok: true };
    },
  },
  {
    id: "credentials",
    title: "With cookies",
    request: "GET /api/login, then GET /api/whoami, credentials: 'include'",
    why: "Credentialed: the answer must name this origin and say Access-Control-Allow-Credentials: true.",
    expected: "allowed",
    server: [REQUEST_ALLOWED, REQUEST_ALLOWED],
    async run(id) {
      const login = await (await fetch(url("/api/login", id), { credentials: "include" })).json();
      const whoami = await (await fetch(url("/api/whoami", id), { credentials: "include" })).json();
      // The session must be the one this run just started, not a cookie
      // left over from an earlier run.
      const same = whoami.session === login.session;
      return {
        detail: `cookie arrived: ${whoami.cookie_arrived}, session ${whoami.session}` +
          (same ? "" : ` (expected ${login.session})`),
        ok: whoami.cookie_arrived === true && same,
      };
    },
  },
  {
    id: "exposed-header",
    title: "Exposed header",
    request: "GET /api/hello, read x-request-id and x-internal",
    why: "Only headers in Access-Control-Expose-Headers are readable; x-internal is sent but hidden.",
    expected: "allowed",
    server: [REQUEST_ALLOWED],
    async run(id) {
      const response = await fetch(url("/api/hello", id));
      const requestId = response.headers.get("x-request-id");
      const internal = response.headers.get("x-internal");
      return {
        detail: `x-request-id: ${requestId}, x-internal: ${internal}`,
        ok: requestId !== null && internal === null,
      };
    },
  },
  {
    id: "refused-origin",
    title: "Refused origin",
    request: "GET /strict/data",
    why: "/strict allows only https://app.example.com. The handler still runs; the browser hides its answer.",
    expected: "blocked",
    server: [REQUEST_REFUSED],
    async run(id) {
      const response = await fetch(url("/strict/data", id));
      return { detail: `status ${response.status}, body ${await response.text()}`, ok: true };
    },
  },
  {
    id: "refused-origin-put",
    title: "Refused origin, preflighted",
    request: "PUT /strict/data, JSON",
    why: "The preflight from a refused origin gets 403 and no Access-Control-* header, in debug mode too.",
    expected: "blocked",
    server: [PREFLIGHT_REFUSED_ORIGIN],
    async run(id) {
      const response = await fetch(url("/strict/data", id), {
        method: "PUT",
        headers: JSON_TYPE,
        body: "{}",
      });
      return { detail: `status ${response.status}`, ok: true };
    },
  },
  {
    id: "refused-header",
    title: "Refused header",
    request: "PUT /api/items/1 with x-forbidden",
    why: "x-forbidden is not an allowed header: the preflight is refused and the PUT never sent.",
    expected: "blocked",
    server: [PREFLIGHT_REFUSED],
    async run(id) {
      const response = await fetch(url("/api/items/1", id), {
        method: "PUT",
        headers: { ...JSON_TYPE, "x-forbidden": "1" },
        body: "{}",
      });
      return { detail: `status ${response.status}`, ok: true };
    },
  },
];

// The CSRF rows (csrf.js).
CASES.push(...csrfCases());

function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function outcomeCell(outcome, detail) {
  return [element("span", { className: outcome, textContent: outcome }),
    element("div", { className: "detail", textContent: detail })];
}

function addRow(number, testCase) {
  const row = element("tr");
  row.dataset.case = testCase.id;
  row.dataset.expected = testCase.expected;
  const cells = {
    sequence: element("td", { className: "sequence", textContent: "…" }),
    browser: element("td", { textContent: "…" }),
    server: element("td", { textContent: "…" }),
    pass: element("td", { className: "pass", textContent: "…" }),
  };
  row.append(
    element("td", { className: "num", textContent: String(number) }),
    element("td", {},
      element("div", { className: "title", textContent: testCase.title }),
      element("code", { textContent: testCase.request }),
      element("div", { className: "why", textContent: testCase.why }),
      element("div", { className: "why" }, "expected: ",
        element("span", { className: testCase.expected, textContent: testCase.expected }))),
    cells.sequence,
    cells.browser,
    cells.server,
    cells.pass,
  );
  document.getElementById("cases").append(row);
  return { row, cells };
}

// A blocked fetch rejects with a TypeError whose message says nothing about
// CORS (that would leak information across origins).
async function runInBrowser(testCase) {
  try {
    const { detail, ok } = await testCase.run(testCase.id);
    return { outcome: "allowed", detail, ok };
  } catch (error) {
    return { outcome: "blocked", detail: `${error.name}: ${error.message}`, ok: true };
  }
}

function describe(entry) {
  const app = entry.reached_app ? "app reached" : "app not reached";
  return `${entry.method} ${entry.path}: ${entry.decision} (${app})`;
}

// The reason the server gave for refusing one request: the CsrfLayer's
// when the guard refused it (the CorsLayer outside may refuse its origin
// too, but that only hides the answer: the guard is what stopped it), else
// the CorsLayer's.
function refusalOf(entry) {
  if (entry.csrf_refusal) return `csrf-refusal: ${entry.csrf_refusal}`;
  if (entry.refusal) return `cors-refusal: ${entry.refusal}`;
  return "";
}

// What the server decided and answered for one request: the policy's
// decision, its status, the Access-Control-* headers, and the refusal
// reason, which a script cannot read itself on a refused request (the
// browser's console and network panel show them).
function serverItem(entry) {
  const item = element("li", {},
    element("span", { className: entry.status >= 400 ? "blocked" : "status", textContent: String(entry.status) }),
    ` ${describe(entry)}`);
  const headers = entry.answered.map(([name, value]) => `${name}: ${value}`);
  item.append(element("div", { className: "detail", textContent: headers.length ? headers.join("\n") : "no Access-Control-* header" }));
  const refusal = refusalOf(entry);
  if (refusal) item.append(element("div", { className: "refusal", textContent: refusal }));
  return item;
}

// Compares the server's record for a case with what the case expects;
// returns "" when it matches, or what differs.
function serverMismatch(entries, expected) {
  if (entries.length !== expected.length) {
    return `expected ${expected.length} request(s) at the server, saw ${entries.length}`;
  }
  for (const [i, want] of expected.entries()) {
    const got = entries[i];
    const kind = want.preflight ? "a preflight" : "not a preflight";
    if ((got.kind === "preflight") !== want.preflight) return `request ${i + 1} should be ${kind}`;
    if (want.kind && got.kind !== want.kind) return `request ${i + 1} should be ${want.kind}, the server saw ${got.kind}`;
    if (got.allowed !== want.allowed) return `request ${i + 1} should be ${want.allowed ? "allowed" : "refused"}`;
    if (got.reached_app !== want.app) return `request ${i + 1} should ${want.app ? "" : "not "}reach the app`;
    const status = DEBUG && want.debugStatus ? want.debugStatus : want.status;
    if (got.status !== status) return `request ${i + 1} should be answered ${status}, was ${got.status}`;
    // A refusal grants nothing: no Access-Control-Allow-Origin, unless debug
    // mode answers an allowed origin's preflight refused for its method or
    // a header (with lists the browser rejects).
    const namesOrigin = got.answered.some(([name]) => name === "access-control-allow-origin");
    const debugAnswer = DEBUG && want.preflight && want.debugStatus !== undefined;
    if (!got.allowed && namesOrigin && !debugAnswer) return `request ${i + 1} is refused yet names the origin`;
    if (!got.allowed && got.kind === "preflight" && !got.refusal) return `request ${i + 1} has no cors-refusal reason`;
    if (want.guard && !want.guard.includes(got.csrf_refusal)) {
      return `request ${i + 1} should be refused by CsrfLayer (${want.guard.join(" or ")}), csrf-refusal was ${got.csrf_refusal}`;
    }
    if (!want.guard && got.csrf_refusal) return `request ${i + 1} was refused by CsrfLayer (${got.csrf_refusal})`;
  }
  return "";
}

// The sentence of the mode the cases run in, and the link to the other.
function showMode() {
  document.body.dataset.debug = String(DEBUG);
  for (const text of document.querySelectorAll("#debug-mode [data-when]")) {
    text.hidden = text.dataset.when !== (DEBUG ? "on" : "off");
  }
}

async function main() {
  showMode();
  document.getElementById("page-origin").textContent = location.origin;
  document.getElementById("api-origin").textContent = API;
  const rows = CASES.map((testCase, i) => addRow(i + 1, testCase));

  // One case at a time, so that the server's record is in request order.
  const results = [];
  for (const [i, testCase] of CASES.entries()) {
    const result = await runInBrowser(testCase);
    results.push(result);
    const { row, cells } = rows[i];
    row.dataset.outcome = result.outcome;
    cells.browser.replaceChildren(...outcomeCell(result.outcome, result.detail));
  }

  let record = [];
  let recordError = "";
  try {
    const response = await fetch(`/decisions?run=${RUN}`);
    record = await response.json();
  } catch (error) {
    recordError = `could not load /decisions: ${error.message}`;
  }

  let passed = 0;
  for (const [i, testCase] of CASES.entries()) {
    const { row, cells } = rows[i];
    const entries = record.filter((entry) => entry.case === testCase.id);
    const mismatch = recordError || serverMismatch(entries, testCase.server);
    const result = results[i];
    cells.server.replaceChildren(element("ul", { className: "server" }, ...entries.map(serverItem)));
    if (mismatch) cells.server.append(element("div", { className: "mismatch", textContent: mismatch }));
    cells.sequence.replaceChildren(sequenceFigure(testCase, entries, result));
    row.dataset.statuses = entries.map((entry) => entry.status).join(" ");
    row.dataset.refusals = entries.map((entry) => entry.csrf_refusal || entry.refusal)
      .filter(Boolean).join(" | ");

    const pass = result.outcome === testCase.expected && result.ok && !mismatch;
    if (pass) passed += 1;
    row.dataset.pass = String(pass);
    cells.pass.textContent = pass ? "✓" : "✗";
    cells.pass.title = pass ? "as promised" : "not as promised";
  }

  document.getElementById("summary").textContent =
    `${passed} of ${CASES.length} cases as promised`;
  document.body.dataset.done = "true";
}

main().catch((error) => {
  // A bug in this page must still end the run, as failed, so that nobody
  // waits for a result that never comes.
  for (const row of document.querySelectorAll("#cases tr")) {
    if (!row.dataset.outcome) row.dataset.outcome = "blocked";
    row.dataset.pass = "false";
  }
  document.getElementById("summary").textContent = `The page itself failed: ${error}`;
  document.body.dataset.done = "true";
});
