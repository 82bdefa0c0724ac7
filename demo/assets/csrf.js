// The demo's CSRF rows, added to demo.js's CASES (see `csrfCases()` there):
// the API's /csrf/transfer and its WebSocket /csrf/socket are behind
// CsrfLayer::from_policy inside the CorsLayer, and count how often their
// handlers ran (/csrf/count). A form a page of another site submits, and a
// WebSocket it opens, are refused before the handler; the same from this
// page, whose origin the CORS policy allows, go through.
// Uses url(), API, RUN and REQUEST_ALLOWED from demo.js, read when the
// cases run.
"use strict";

// The forged request reaches the server, whose CORS policy refuses its
// origin, and the guard keeps it from the handler: 403 with the guard's
// csrf-refusal reason, in debug mode too (debug mode changes CORS
// preflight answers, not the guard).
const CSRF_REFUSED = { preflight: false, allowed: false, app: false, status: 403, guard: ["cross-site request"] };
// Firefox and WebKit send Sec-Fetch-Site: cross-site with a WebSocket
// handshake; Chromium sends none, so the guard compares the Origin with
// the Host (127.0.0.1 against localhost) instead.
const CSRF_REFUSED_SOCKET = {
  ...CSRF_REFUSED,
  guard: ["cross-site websocket handshake", "websocket origin does not match host"],
};

async function transferCount() {
  return (await csrfCounts()).count;
}

async function socketCount() {
  return (await csrfCounts()).sockets;
}

async function csrfCounts() {
  const response = await fetch(`${API}/csrf/count?run=${RUN}`);
  return response.json();
}

// A WebSocket handshake the guard passed: answered 101, the handler ran.
const SOCKET_ALLOWED = { preflight: false, allowed: true, app: true, status: 101 };

// Opens a WebSocket to `target`, sends "ping", and resolves with the echo;
// rejects when the socket fails or closes first (a refused handshake fires
// error, then close). Settles on the socket's own events only.
function socketEcho(target) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target);
    socket.addEventListener("open", () => socket.send("ping"));
    socket.addEventListener("message", (event) => {
      resolve(event.data);
      socket.close();
    });
    socket.addEventListener("error", () => reject(new Error("the socket failed (error event)")));
    socket.addEventListener("close", () => reject(new Error("the socket closed before a message")));
  });
}

// Resolves once the API has answered this run's request of the case `id`:
// the page server holds this fetch until then (10 s at most). No timer and
// no event from the other site's frame: a screenshot under virtual time
// (Chromium's --virtual-time-budget) runs timers as soon as nothing else is
// pending, and does not wait for a cross-site frame, which lives in another
// process; so an 8 s timeout fired before the forged form's answer arrived
// and failed the row. A fetch of this page's own is waited for.
async function apiAnswered(id) {
  const response = await fetch(`/wait/answered?case=${id}&run=${RUN}`);
  const { answered } = await response.json();
  if (!answered) throw new Error("the API answered no request of this row within 10 s");
}

// Runs `work` while a fetch of this page's own stays pending: the page
// server holds it until the API's socket has echoed (or `work` is over, or
// 10 s). Virtual time waits for it, and so lets the socket's events in.
// Only around a WebSocket: a pending fetch also pauses the tasks that
// start a frame's navigation, so a form submitted meanwhile would wait.
async function whileHeld(id, work) {
  const key = `case=${id}&run=${RUN}`;
  const held = fetch(`/wait/case?${key}`).catch(() => {});
  try {
    return await work();
  } finally {
    await fetch(`/wait/release?${key}`, { method: "POST" }).catch(() => {});
    await held;
  }
}

function hiddenFrame(name) {
  const frame = document.createElement("iframe");
  frame.name = name;
  frame.hidden = true;
  document.body.append(frame);
  return frame;
}

function csrfCases() {
  return [
    {
      id: "csrf-cross-site-form",
      title: "Forged form post (CSRF)",
      request: "POST /csrf/transfer, an HTML form on another site",
      why: "A form needs no preflight, so CORS cannot stop it. CsrfLayer refuses it before the handler: Sec-Fetch-Site says cross-site and the policy does not name that origin.",
      expected: "blocked",
      from: "other site",
      server: [CSRF_REFUSED],
      async run(id) {
        const before = await transferCount();
        const other = location.hostname === "localhost" ? "127.0.0.1" : "localhost";
        const frame = hiddenFrame(`attacker-${id}`);
        frame.src = `${location.protocol}//${other}:${new URL(API).port}/csrf/attacker?case=${id}&run=${RUN}`;
        await apiAnswered(id);
        frame.remove();
        const after = await transferCount();
        if (after === before) {
          throw new Error(`refused by CsrfLayer (403): handler count stayed at ${after}`);
        }
        return { detail: `the handler ran: count ${before} → ${after}`, ok: false };
      },
    },
    {
      id: "csrf-trusted-form",
      title: "Trusted form post",
      request: "POST /csrf/transfer, an HTML form on this page",
      why: "This page's origin is in the CORS policy, and CsrfLayer::from_policy trusts exactly the origins the policy allows.",
      expected: "allowed",
      server: [REQUEST_ALLOWED],
      async run(id) {
        const before = await transferCount();
        const frame = hiddenFrame(`sink-${id}`);
        const form = document.createElement("form");
        form.method = "post";
        form.action = url("/csrf/transfer", id);
        form.target = frame.name;
        form.hidden = true;
        form.append(Object.assign(document.createElement("input"), { name: "amount", value: "10" }));
        document.body.append(form);
        form.submit();
        await apiAnswered(id);
        form.remove();
        frame.remove();
        const after = await transferCount();
        return { detail: `handler count ${before} → ${after}`, ok: after === before + 1 };
      },
    },
    {
      id: "csrf-websocket-own",
      title: "This page's WebSocket",
      request: "GET /csrf/socket, Upgrade: websocket, from this page",
      why: "Browsers apply no CORS to WebSockets. This page's origin is in the policy, so CsrfLayer passes the handshake (101) and the socket echoes.",
      expected: "allowed",
      server: [SOCKET_ALLOWED],
      async run(id) {
        const before = await socketCount();
        const wsUrl = url("/csrf/socket", id).replace(/^http/, "ws");
        const echo = await whileHeld(id, () => socketEcho(wsUrl));
        const after = await socketCount();
        return { detail: `socket said "${echo}"; handler count ${before} → ${after}`, ok: echo === "echo:ping" && after === before + 1 };
      },
    },
    {
      id: "csrf-websocket-cross-site",
      title: "Cross-site WebSocket hijacking",
      request: "GET /csrf/socket, Upgrade: websocket, from another site",
      why: "Any page may open a WebSocket with the user's cookies, and CORS does not apply. CsrfLayer refuses the handshake before the handler (403): the page's origin is not in the policy.",
      expected: "blocked",
      from: "other site",
      server: [CSRF_REFUSED_SOCKET],
      async run(id) {
        const before = await socketCount();
        const other = location.hostname === "localhost" ? "127.0.0.1" : "localhost";
        const frame = hiddenFrame(`attacker-${id}`);
        frame.src = `${location.protocol}//${other}:${new URL(API).port}/csrf/attacker?socket=1&case=${id}&run=${RUN}`;
        await apiAnswered(id);
        frame.remove();
        const after = await socketCount();
        if (after === before) {
          throw new Error(`refused by CsrfLayer (403): handler count stayed at ${after}`);
        }
        return { detail: `the other site's socket was opened: handler count ${before} → ${after}`, ok: false };
      },
    },
  ];
}
