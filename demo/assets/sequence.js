// The demo page's picture of each row's exchange (see sequenceFigure), used
// by demo.js once the server's record of the row is in.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// One row's exchange as a small sequence diagram: the page (or the other
// site) on the left, the API on the right, an arrow per request and per
// answer, then what the script got. The step that refused is drawn red,
// marked ✗ and carries data-refused.
function sequenceFigure(testCase, entries, result) {
  const steps = [];
  for (const entry of entries) {
    const preflight = entry.kind === "preflight";
    steps.push({ to: "api", label: preflight ? "OPTIONS (preflight)" : `${entry.method} ${entry.path}` });
    let refused = false;
    let label = String(entry.status);
    if (entry.csrf_refusal) {
      refused = true;
      label += " ✗ CsrfLayer";
    } else if (!entry.allowed && preflight) {
      refused = true;
      label += " ✗ preflight refused";
    } else if (!entry.allowed) {
      refused = true;
      label += " ✗ origin not named";
    } else if (preflight) {
      label += " ✓ allowed";
    }
    steps.push({ to: "page", label, refused });
  }
  const last = entries[entries.length - 1];
  if (last && last.kind === "preflight" && !last.allowed) {
    steps.push({ to: "api", label: "request never sent", skipped: true });
  }
  const blocked = result.outcome === "blocked";
  steps.push({ note: true, label: blocked ? "script: network error" : "script reads the answer", blocked });

  const width = 220, left = 12, right = width - 12, top = 24, gap = 22;
  const height = top + steps.length * gap;
  const figure = svg("svg", { class: "sequence", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
  const from = testCase.from || "page";
  figure.append(svg("title", {}, `${testCase.title}: ${steps.map((step) => step.label).join(", then ")}`));
  figure.append(svg("text", { x: left, y: 11, class: "actor" }, from));
  figure.append(svg("text", { x: right, y: 11, class: "actor", "text-anchor": "end" }, "API"));
  for (const x of [left, right]) {
    figure.append(svg("line", { x1: x, y1: 15, x2: x, y2: height, class: "lifeline" }));
  }
  steps.forEach((step, i) => {
    const y = top + i * gap + 12;
    if (step.note) {
      figure.append(svg("text", { x: left + 6, y: y - 2, class: step.blocked ? "note refused" : "note" },
        step.label));
      return;
    }
    const [x1, x2] = step.to === "api" ? [left, right] : [right, left];
    const dir = Math.sign(x2 - x1);
    const group = svg("g", { class: step.refused ? "step refused" : step.skipped ? "step skipped" : "step" });
    if (step.refused) group.setAttribute("data-refused", "");
    group.append(svg("line", { x1, y1: y, x2: x2 - dir * 5, y2: y }));
    group.append(svg("polygon", { points: `${x2},${y} ${x2 - dir * 6},${y - 3.5} ${x2 - dir * 6},${y + 3.5}` }));
    group.append(svg("text", { x: (left + right) / 2, y: y - 4, "text-anchor": "middle" }, step.label));
    figure.append(group);
  });
  return figure;
}
