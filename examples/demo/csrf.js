// The demo's CSRF rows, added to demo.js's CASES (see `csrfCases()` there):
// the API's /csrf/transfer is behind CsrfLayer::from_policy inside the
// CorsLayer, and counts how often its handler ran (/csrf/count). A form a
// page of another site submits is refused before the handler; the same
// form from this page, whose origin the CORS policy allows, goes through.
// Uses url(), API, RUN and REQUEST_ALLOWED from demo.js, read when the
// cases run.
"use strict";

// The forged request reaches the server, whose CORS policy refuses its
// origin, and the guard keeps it from the handler: 403, in debug mode too
// (debug mode changes CORS preflight answers, not the guard).
const CSRF_REFUSED = { preflight: false, allowed: false, app: false, status: 403 };

async function transferCount() {
  const response = await fetch(`${API}/csrf/count?run=${RUN}`);
  return (await response.json()).count;
}

// Waits for `event` on `target` until `check(event)` holds, or fails after 8 s.
function waitFor(target, event, check = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 8 s`)), 8000);
    target.addEventListener(event, function listener(e) {
      if (!check(e)) return;
      clearTimeout(timer);
      target.removeEventListener(event, listener);
      resolve(e);
    });
  });
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
      server: [CSRF_REFUSED],
      async run(id) {
        const before = await transferCount();
        const other = location.hostname === "localhost" ? "127.0.0.1" : "localhost";
        const frame = hiddenFrame(`attacker-${id}`);
        const answered = waitFor(window, "message",
          (e) => e.source === frame.contentWindow && e.data && e.data.csrf === "answered");
        frame.src = `${location.protocol}//${other}:${new URL(API).port}/csrf/attacker?case=${id}&run=${RUN}`;
        await answered;
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
        const loaded = waitFor(frame, "load");
        form.submit();
        await loaded;
        form.remove();
        frame.remove();
        const after = await transferCount();
        return { detail: `handler count ${before} → ${after}`, ok: after === before + 1 };
      },
    },
  ];
}
