// Parley's browser front end: a summary with charts, a filterable table of events, and each
// event shown in its document with the sentence it came from. Plain JavaScript, no CDN.
"use strict";

const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const FILTERS = ["type", "country", "actor", "q", "since", "until", "story"];
const PAGE = 50;
const SVG_NS = "http://www.w3.org/2000/svg";
const QUAD_COLOURS = {
  verbal_coop: "#4e9a6b", material_coop: "#2d6a4f",
  verbal_conflict: "#d08c2f", material_conflict: "#b23a3a",
};

const state = { filters: {}, offset: 0 };
const $ = (selector) => document.querySelector(selector);

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    // FastAPI says why: a string, or a list of validation errors
    const detail = Array.isArray(body.detail)
      ? body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ")
      : body.detail;
    throw new Error(detail || `${response.status} ${response.statusText}`);
  }
  return body;
}

function showError(error) {
  const box = $("#error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

// ---- charts (SVG drawn here: no chart library, nothing fetched from outside) ----

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function horizontalBars(svg, rows, onClick) {
  svg.replaceChildren();
  const rowHeight = 16, labelWidth = 86, width = 320;
  const top = Math.max(1, ...rows.map((r) => r.value));
  svg.setAttribute("viewBox", `0 0 ${width} ${Math.max(rowHeight, rows.length * rowHeight)}`);
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    const barWidth = Math.max(1, ((width - labelWidth - 34) * row.value) / top);
    svg.appendChild(svgElement("text", { x: labelWidth - 4, y: y + 11, "text-anchor": "end" }, row.label));
    const bar = svgElement("rect", { class: "bar", x: labelWidth, y: y + 2, width: barWidth, height: rowHeight - 4,
      fill: row.colour || "#2f5d8a", "data-label": row.label });
    bar.appendChild(svgElement("title", {}, `${row.label}: ${row.value}`));
    bar.addEventListener("click", () => onClick(row));
    svg.appendChild(bar);
    svg.appendChild(svgElement("text", { x: labelWidth + barWidth + 4, y: y + 11 }, String(row.value)));
  });
}

function columns(svg, rows, onClick) {
  svg.replaceChildren();
  const width = 320, height = 130, bottom = 18;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  if (!rows.length) {
    svg.appendChild(svgElement("text", { x: 4, y: 20 }, "no dated events"));
    return;
  }
  const top = Math.max(1, ...rows.map((r) => r.value));
  const step = width / rows.length;
  rows.forEach((row, i) => {
    const barHeight = Math.max(1, ((height - bottom - 12) * row.value) / top);
    const bar = svgElement("rect", { class: "bar", x: i * step + 1, y: height - bottom - barHeight,
      width: Math.max(1, step - 2), height: barHeight, fill: "#2f5d8a", "data-label": row.label });
    bar.appendChild(svgElement("title", {}, `${row.label}: ${row.value}`));
    bar.addEventListener("click", () => onClick(row));
    svg.appendChild(bar);
  });
  // first and last month under the axis; every bar has its own tooltip
  svg.appendChild(svgElement("text", { x: 1, y: height - 4 }, rows[0].label));
  if (rows.length > 1) {
    svg.appendChild(svgElement("text", { x: width - 1, y: height - 4, "text-anchor": "end" }, rows[rows.length - 1].label));
  }
}

// every month from the first to the last (empty ones too, so the axis is time), or every
// year when that would be more than four years of months
function timeSeries(byMonth) {
  if (!byMonth.length) return { unit: "month", rows: [] };
  const counts = new Map(byMonth.map((r) => [r.month, r.n]));
  const [firstYear, firstMonth] = byMonth[0].month.split("-").map(Number);
  const [lastYear, lastMonth] = byMonth[byMonth.length - 1].month.split("-").map(Number);
  const months = (lastYear - firstYear) * 12 + (lastMonth - firstMonth) + 1;
  if (months > 48) {
    const years = new Map();
    for (const r of byMonth) years.set(r.month.slice(0, 4), (years.get(r.month.slice(0, 4)) || 0) + r.n);
    const rows = [];
    for (let y = firstYear; y <= lastYear; y += 1) rows.push({ label: String(y), value: years.get(String(y)) || 0 });
    return { unit: "year", rows };
  }
  const rows = [];
  for (let i = 0; i < months; i += 1) {
    const y = firstYear + Math.floor((firstMonth - 1 + i) / 12), m = ((firstMonth - 1 + i) % 12) + 1;
    const label = `${y}-${String(m).padStart(2, "0")}`;
    rows.push({ label, value: counts.get(label) || 0 });
  }
  return { unit: "month", rows };
}

function lastDayOfMonth(month) {
  const [year, m] = month.split("-").map(Number);
  return `${month}-${String(new Date(year, m, 0).getDate()).padStart(2, "0")}`;
}

async function loadSummary() {
  const summary = await getJson("/api/summary");
  $("#summary").textContent = `${summary.documents} documents (${summary.documents_dated} dated) · `
    + `${summary.events} events in ${summary.stories} stories`
    + (summary.first_date ? ` · ${summary.first_date} … ${summary.last_date}` : "");
  horizontalBars($("#chart-types"), summary.by_type.map((r) => (
    { label: r.event_type, value: r.n, colour: QUAD_COLOURS[r.quad_class] })),
  (row) => applyFilters({ type: row.label }));
  const series = timeSeries(summary.by_month);
  $("#chart-unit").textContent = series.unit;
  columns($("#chart-months"), series.rows, (row) => applyFilters(series.unit === "year"
    ? { since: row.label, until: row.label }
    : { since: `${row.label}-01`, until: lastDayOfMonth(row.label) }));
  horizontalBars($("#chart-countries"), summary.countries.slice(0, 12).map((r) => ({ label: r.country, value: r.n })),
    (row) => applyFilters({ country: row.label }));
}

// ---- the events table ----

function actorText(actors) {
  return (actors || []).map((a) => {
    const code = [a.country || "?", a.sector || ""].filter(Boolean).join("/");
    return `${escapeHtml(a.name || a.text)} <span class="muted">(${escapeHtml(code)})</span>`;
  }).join("<br>");
}

function markedSentence(event) {
  // the trigger, by its offset in the document, inside the sentence
  const sentence = event.sentence || "";
  const start = (event.trigger_start ?? -1) - (event.sentence_start ?? 0);
  let length = (event.trigger || "").length;
  // the trigger is a lemma ("agree"): mark the whole word the text has ("agreed")
  while (length && /\p{L}/u.test(sentence.charAt(start + length))) length += 1;
  if (start < 0 || start + length > sentence.length || !length) return escapeHtml(sentence);
  return escapeHtml(sentence.slice(0, start)) + `<mark class="trigger">${escapeHtml(sentence.slice(start, start + length))}</mark>`
    + escapeHtml(sentence.slice(start + length));
}

function flags(event) {
  return ["negated", "future", "hypothetical", "historical"].filter((f) => event[f])
    .map((f) => `<span class="flag">${f}</span>`).join("");
}

function eventRow(event) {
  const row = document.createElement("tr");
  row.dataset.eventId = event.event_id;
  const type = event.mode ? `${event.event_type}:${event.mode}` : event.event_type;
  row.innerHTML = `<td>${escapeHtml(event.date || "–")}<br><span class="precision">${escapeHtml(event.date_precision)}</span></td>`
    + `<td><span class="swatch" style="background:${QUAD_COLOURS[event.quad_class] || "#999"}"></span>`
    + `<span class="type">${escapeHtml(type)}</span><br>${flags(event)}</td>`
    + `<td>${actorText(event.source)}</td><td>${actorText(event.target)}</td>`
    + `<td>${escapeHtml(event.location ? event.location.name : "")}</td>`
    + `<td>${markedSentence(event)}</td>`;
  row.addEventListener("click", () => showEvent(event, row));
  return row;
}

function query() {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (state.filters[key]) params.set(key, state.filters[key]);
  return params;
}

async function loadEvents() {
  const params = query();
  params.set("limit", PAGE);
  params.set("offset", state.offset);
  try {
    const page = await getJson(`/api/events?${params}`);
    showError(null);
    const body = $("#events tbody");
    body.replaceChildren(...page.events.map(eventRow));
    const last = Math.min(page.total, state.offset + page.events.length);
    $("#count").textContent = page.total
      ? `events ${state.offset + 1}–${last} of ${page.total}` : "no events match";
    $("#prev").disabled = state.offset === 0;
    $("#next").disabled = last >= page.total;
  } catch (error) {
    showError(error);
  }
}

function applyFilters(filters) {
  state.filters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  state.offset = 0;
  const form = $("#filters");
  for (const key of FILTERS) form.elements[key].value = state.filters[key] || "";
  history.replaceState(null, "", `?${query()}`);
  for (const format of ["csv", "jsonl"]) {
    const params = query();
    params.set("format", format);
    $(`#download-${format}`).href = `/api/export?${params}`;
  }
  loadEvents();
}

// ---- one event, in its document ----

async function showEvent(event, row) {
  document.querySelectorAll("#events tr.selected").forEach((r) => r.classList.remove("selected"));
  row.classList.add("selected");
  let doc;
  try {
    doc = await getJson(`/api/documents/${encodeURIComponent(event.doc_id)}`);
  } catch (error) {
    showError(error);
    return;
  }
  const text = doc.text || "";
  const start = event.sentence_start, end = event.sentence_end;
  const marked = escapeHtml(text.slice(0, start)) + `<mark id="sentence">${markedSentence(event)}</mark>`
    + escapeHtml(text.slice(end));
  const place = event.location
    ? `${escapeHtml(event.location.name)} <span class="muted">(${escapeHtml(event.location.feature)}`
      + `${event.location.country ? ", " + escapeHtml(event.location.country) : ""}`
      + `${event.location.geonames_id ? ", GeoNames " + event.location.geonames_id : ""})</span>`
    : "–";
  // only a web address becomes a link: a stored "javascript:" URL would run in this page
  const link = !doc.url ? "–" : /^https?:\/\//i.test(doc.url)
    ? `<a href="${escapeHtml(doc.url)}" rel="noreferrer">${escapeHtml(doc.url)}</a>` : escapeHtml(doc.url);
  $("#detail-body").innerHTML = `<h2>${escapeHtml(event.event_type)}${event.mode ? ":" + escapeHtml(event.mode) : ""} ${flags(event)}</h2>`
    + `<dl><dt>source</dt><dd>${actorText(event.source) || "–"}</dd>`
    + `<dt>target</dt><dd>${actorText(event.target) || "–"}</dd>`
    + `<dt>date</dt><dd>${escapeHtml(event.date || "–")} <span class="muted">(${escapeHtml(event.date_precision)}`
    + `${event.date_text ? ", from “" + escapeHtml(event.date_text) + "”" : ""}${event.date_inferred ? ", inferred" : ""})</span></dd>`
    + `<dt>where</dt><dd>${place}</dd>`
    + `<dt>coded by</dt><dd>${escapeHtml(event.coded_by)} <span class="muted">(confidence ${event.confidence})</span></dd>`
    + `<dt>story</dt><dd>${event.story_id
      ? `<a href="#" id="story-link">${event.num_articles} article(s), ${event.num_sources ? event.num_sources + " named source(s)" : "no source named"}</a>`
        + ` <span class="muted">(every report of it)</span>`
      : "–"}</dd>`
    + `<dt>document</dt><dd>${escapeHtml(doc.title || "untitled (" + doc.origin.split(/[\\/]/).pop() + ")")}</dd>`
    + `<dt>published</dt><dd>${escapeHtml(doc.published || "not given")}${doc.source ? " · " + escapeHtml(doc.source) : ""}</dd>`
    + `<dt>url</dt><dd>${link}</dd></dl>`
    + `<div id="doc-text">${marked}</div>`;
  $("#detail").hidden = false;
  const storyLink = $("#story-link");
  if (storyLink) {
    storyLink.addEventListener("click", (e) => {
      e.preventDefault();
      applyFilters({ story: event.story_id });
    });
  }
  const sentence = document.getElementById("sentence");
  if (sentence) sentence.scrollIntoView({ block: "center" });
}

// ---- wiring ----

function init() {
  const select = $("#filters").elements.type;
  for (const type of TYPES) select.appendChild(new Option(type, type));
  const initial = new URLSearchParams(location.search);
  const filters = {};
  for (const key of FILTERS) if (initial.get(key)) filters[key] = initial.get(key);
  $("#filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target;
    applyFilters(Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value.trim()])));
  });
  $("#filters").addEventListener("reset", () => setTimeout(() => applyFilters({}), 0));
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents(); });
  $("#next").addEventListener("click", () => { state.offset += PAGE; loadEvents(); });
  $("#close").addEventListener("click", () => { $("#detail").hidden = true; });
  loadSummary().catch(showError);
  applyFilters(filters);
}

init();
