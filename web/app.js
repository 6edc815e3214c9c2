// Parley's browser front end, the analyst's workbench: the event list with its charts, a map,
// an actor network, dyads, actors, stories and documents. Each view has an address: the
// filters (and the list's page and order) are in the query string, the view in the hash
// (#/map, #/network, #/stories, #/story/ID, #/actor/ID, #/dyad?a=..&b=.., #/doc/ID,
// #/event/ID). Charts are drawn by Observable Plot, the map's countries come from world-atlas
// and the network is laid out by Cytoscape.js, all vendored in web/vendor: no CDN.
/* global d3, Plot, topojson, cytoscape */
"use strict";

const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const QUADS = ["verbal_coop", "material_coop", "verbal_conflict", "material_conflict"];
const QUAD_COLOURS = {
  verbal_coop: "#4e9a6b", material_coop: "#2d6a4f",
  verbal_conflict: "#d08c2f", material_conflict: "#b23a3a",
};
const QUAD_SCALE = { domain: QUADS, range: QUADS.map((q) => QUAD_COLOURS[q]) };
const FILTERS = ["type", "quad", "country", "actor", "place", "q", "since", "until", "story"];
const MULTI = new Set(["type", "quad"]); // repeated in the address: any of them
const PAGE = 50;
const WORLD = "/static/vendor/world-atlas-2.0.2/countries-50m.json";
// the views that the filter form applies to
const FILTERED = new Set(["events", "event", "map", "network", "stories"]);

const state = { filters: {}, page: 1, sort: "", after: "", next: null, listKey: null, world: null, graph: null };
const $ = (selector) => document.querySelector(selector);

// ---- small helpers ----

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// only a web address becomes a link: a stored "javascript:" URL would run in this page
function webLink(url) {
  if (!url) return "–";
  return /^https?:\/\//i.test(url)
    ? `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a>` : escapeHtml(url);
}

const quadLabel = (quad) => String(quad || "").replace("_", " ");
const hrefs = {
  actor: (id) => `#/actor/${encodeURIComponent(id)}`,
  story: (id) => `#/story/${encodeURIComponent(id)}`,
  doc: (id) => `#/doc/${encodeURIComponent(id)}`,
  event: (id) => `#/event/${encodeURIComponent(id)}`,
  dyad: (a, b) => `#/dyad?${new URLSearchParams({ a, b })}`,
  list: (filters) => `/?${filterParams(filters)}`,
};

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

function filterParams(filters) {
  const params = new URLSearchParams();
  for (const key of FILTERS) {
    const value = filters[key];
    if (MULTI.has(key)) for (const v of value || []) params.append(key, v);
    else if (value) params.set(key, value);
  }
  return params;
}

// "2008-08" or "2008" as a UTC date, for Plot's time axes
function periodDate(period) {
  const [year, month] = period.split("-").map(Number);
  return new Date(Date.UTC(year, (month || 1) - 1, 1));
}

function lastDayOfMonth(month) {
  const [year, m] = month.split("-").map(Number);
  return `${month}-${String(new Date(year, m, 0).getDate()).padStart(2, "0")}`;
}

// table rows, or one row saying there are none
function rowsOr(rows, columns, none = "none") {
  return rows || `<tr><td colspan="${columns}" class="muted">${escapeHtml(none)}</td></tr>`;
}

function swatch(quad) {
  return `<span class="swatch" style="background:${QUAD_COLOURS[quad] || "#999"}" title="${escapeHtml(quadLabel(quad))}"></span>`;
}

function number(value, digits = 1) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

// ---- the address: filters in the query string, the view in the hash ----

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query] = [hash.split("?")[0], hash.split("?").slice(1).join("?")];
  const parts = path.split("/");
  let id = parts.slice(1).join("/");
  try { id = decodeURIComponent(id); } catch { /* a malformed escape: the id as written */ }
  return { name: parts[0] || "events", id, params: new URLSearchParams(query) };
}

function readAddress() {
  const params = new URLSearchParams(location.search);
  state.filters = {};
  for (const key of FILTERS) {
    if (MULTI.has(key)) {
      const values = params.getAll(key).filter(Boolean);
      if (values.length) state.filters[key] = values;
    } else if (params.get(key)) state.filters[key] = params.get(key);
  }
  state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);
  state.sort = params.get("sort") || "";
  state.after = params.get("after") || ""; // the cursor the previous page gave (fast at any depth)
  const form = $("#filters");
  for (const key of FILTERS) {
    const field = form.elements[key];
    if (MULTI.has(key)) {
      for (const option of field.options) option.selected = (state.filters[key] || []).includes(option.value);
    } else field.value = state.filters[key] || "";
  }
}

// the list's address: filters, then its order and page (and, reached by "next", the cursor
// of the page before: the page number alone would make the server count past every row)
function listAddress({ page = state.page, sort = state.sort, after = "" } = {}) {
  const params = filterParams(state.filters);
  if (sort) params.set("sort", sort);
  if (page > 1) params.set("page", page);
  if (after && page > 1) params.set("after", after);
  return `/?${params}`;
}

function navigate(url) {
  history.pushState(null, "", url);
  route();
}

function applyFilters(filters) {
  state.filters = Object.fromEntries(Object.entries(filters).filter(([, v]) => (Array.isArray(v) ? v.length : v)));
  // the same view with the new filters, from its first page (an open event closes: it may
  // not match them)
  const here = parseHash();
  let hash = "";
  if (FILTERED.has(here.name) && here.name !== "event" && here.name !== "events") {
    here.params.delete("page");
    hash = `#/${here.name}${here.params.size ? `?${here.params}` : ""}`;
  }
  navigate(`${listAddress({ page: 1 })}${hash}`);
}

let rendered = null;
async function route() {
  if (location.href === rendered) return; // the hash change fires popstate and hashchange
  rendered = location.href;
  readAddress();
  const here = parseHash();
  const views = { events: showList, event: showList, map: showMap, network: showNetwork, stories: showStories,
    story: showStory, actor: showActor, dyad: showDyad, doc: showDocument, search: showSearch };
  const name = views[here.name] ? here.name : "events";
  const section = name === "event" ? "events" : name;
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== `view-${section}`; });
  $("#filters").hidden = !FILTERED.has(name);
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === section));
  $("#nav a[data-view=events]").setAttribute("href", `/${location.search}`);
  showError(null);
  try {
    await views[name](here);
  } catch (error) {
    showError(error);
  }
}

// ---- the summary and its charts (Observable Plot) ----

// horizontal bars, each a link that filters the list
function barChart(rows, { href, fill }) {
  return Plot.plot({
    width: 320, height: 18 * rows.length + 10, marginLeft: 90, marginRight: 36,
    x: { axis: null }, y: { label: null, domain: rows.map((r) => r.label) },
    color: QUAD_SCALE,
    marks: [
      Plot.barX(rows, { x: "value", y: "label", fill, href, title: (r) => `${r.label}: ${r.value}` }),
      Plot.text(rows, { x: "value", y: "label", text: (r) => String(r.value), dx: 4, textAnchor: "start" }),
    ],
  });
}

// months from summary.by_month, or years when that would be more than four years of months
function timeSeries(byMonth) {
  if (!byMonth.length) return { unit: "month", rows: [] };
  const first = periodDate(byMonth[0].month), last = periodDate(byMonth[byMonth.length - 1].month);
  const months = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  if (months <= 48) return { unit: "month", rows: byMonth.map((r) => ({ label: r.month, value: r.n })) };
  const years = new Map();
  for (const r of byMonth) years.set(r.month.slice(0, 4), (years.get(r.month.slice(0, 4)) || 0) + r.n);
  return { unit: "year", rows: [...years].map(([label, value]) => ({ label, value })) };
}

async function loadSummary() {
  const summary = await getJson("/api/summary");
  $("#summary").textContent = `${summary.documents} documents (${summary.documents_dated} dated) · `
    + `${summary.events} events in ${summary.stories} stories`
    + (summary.first_date ? ` · ${summary.first_date} … ${summary.last_date}` : "");
  $("#chart-types").replaceChildren(barChart(
    summary.by_type.map((r) => ({ label: r.event_type, value: r.n, quad: r.quad_class })),
    { fill: "quad", href: (r) => hrefs.list({ type: [r.label] }) }));
  $("#chart-countries").replaceChildren(barChart(
    summary.countries.slice(0, 12).map((r) => ({ label: r.country, value: r.n })),
    { fill: "#2f5d8a", href: (r) => hrefs.list({ country: r.label }) }));
  const series = timeSeries(summary.by_month);
  $("#chart-unit").textContent = series.unit;
  const months = $("#chart-months");
  if (!series.rows.length) {
    months.textContent = "no dated events";
    return;
  }
  months.replaceChildren(Plot.plot({
    width: 320, height: 140, marginLeft: 30, x: { type: "utc", label: null }, y: { label: null, grid: true, ticks: 4 },
    marks: [
      Plot.rectY(series.rows, { x: (r) => periodDate(r.label), y: "value", interval: series.unit, fill: "#2f5d8a",
        title: (r) => `${r.label}: ${r.value}`,
        href: (r) => hrefs.list(series.unit === "year" ? { since: r.label, until: r.label }
          : { since: `${r.label}-01`, until: lastDayOfMonth(r.label) }) }),
      Plot.ruleY([0]),
    ],
  }));
}

// ---- the events table ----

function actorText(actors) {
  return (actors || []).map((a) => {
    const code = [a.country || "?", a.sector || ""].filter(Boolean).join("/");
    return `${escapeHtml(a.name || a.text)} <span class="muted">(${escapeHtml(code)})</span>`;
  }).join("<br>");
}

// the same, each resolved actor a link to its page
function actorLinks(actors) {
  return (actors || []).map((a) => {
    const code = [a.country || "?", a.sector || ""].filter(Boolean).join("/");
    const name = escapeHtml(a.name || a.text);
    return `${a.actor_id ? `<a href="${escapeHtml(hrefs.actor(a.actor_id))}">${name}</a>` : name}`
      + ` <span class="muted">(${escapeHtml(code)})</span>`;
  }).join("<br>") || "–";
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

const eventType = (event) => (event.mode ? `${event.event_type}:${event.mode}` : event.event_type);

function eventRow(event) {
  const row = document.createElement("tr");
  row.dataset.eventId = event.event_id;
  row.innerHTML = `<td>${escapeHtml(event.date || "–")}<br><span class="precision">${escapeHtml(event.date_precision)}</span></td>`
    + `<td>${swatch(event.quad_class)}<span class="type">${escapeHtml(eventType(event))}</span><br>${flags(event)}</td>`
    + `<td class="num">${number(event.intensity)}</td>`
    + `<td>${actorText(event.source)}</td><td>${actorText(event.target)}</td>`
    + `<td>${escapeHtml(event.location ? event.location.name : "")}</td>`
    + `<td>${markedSentence(event)}</td>`;
  row.addEventListener("click", () => { location.hash = hrefs.event(event.event_id); });
  return row;
}

// a compact table of events for the actor, dyad, story and document pages: links everywhere
function eventsTable(events, { direction } = {}) {
  if (!events.length) return "<p class=\"muted\">no events</p>";
  const rows = events.map((e) => `<tr data-event-id="${escapeHtml(e.event_id)}">`
    + `<td>${escapeHtml(e.date || "–")}</td>`
    + (direction ? `<td>${escapeHtml(direction(e))}</td>` : "")
    + `<td>${swatch(e.quad_class)}<a class="type" href="${escapeHtml(hrefs.event(e.event_id))}">${escapeHtml(eventType(e))}</a> ${flags(e)}</td>`
    + `<td class="num">${number(e.intensity)}</td>`
    + `<td>${actorLinks(e.source)}</td><td>${actorLinks(e.target)}</td>`
    + `<td>${escapeHtml(e.location ? e.location.name : "")}</td><td>${markedSentence(e)}</td></tr>`).join("");
  return `<table class="compact events-table"><thead><tr><th>date</th>${direction ? "<th>direction</th>" : ""}`
    + `<th>event</th><th>intensity</th><th>source</th><th>target</th><th>where</th><th>sentence</th></tr></thead>`
    + `<tbody>${rows}</tbody></table>`;
}

async function showList(here) {
  for (const format of ["csv", "jsonl"]) {
    const params = filterParams(state.filters);
    params.set("format", format);
    $(`#download-${format}`).href = `/api/export?${params}`;
  }
  if (here.name !== "event") $("#detail").hidden = true;
  if (state.listKey !== location.search) {
    state.listKey = location.search;
    await loadEvents();
  }
  if (here.name === "event" && here.id) await showEvent(here.id);
}

async function loadEvents() {
  const params = filterParams(state.filters);
  params.set("limit", PAGE);
  if (state.after && state.page > 1) params.set("after", state.after);
  else params.set("offset", (state.page - 1) * PAGE);
  if (state.sort) params.set("sort", state.sort);
  document.querySelectorAll("#events th[data-sort]").forEach((th) => {
    const key = th.dataset.sort;
    th.setAttribute("aria-sort", state.sort === key ? "ascending" : state.sort === `-${key}` ? "descending" : "none");
  });
  try {
    const page = await getJson(`/api/events?${params}`);
    $("#events tbody").replaceChildren(...page.events.map(eventRow));
    const first = (state.page - 1) * PAGE;
    const last = Math.min(page.total, first + page.events.length);
    $("#count").textContent = page.total ? `events ${first + 1}–${last} of ${page.total}` : "no events match";
    $("#page-number").textContent = page.total ? `page ${state.page} of ${Math.ceil(page.total / PAGE)}` : "";
    $("#prev").disabled = state.page <= 1;
    $("#next").disabled = last >= page.total || !page.next;
    state.next = page.next;
  } catch (error) {
    state.listKey = null; // a bad filter: the next try asks again
    throw error;
  }
}

// ---- one event, in its document ----

async function showEvent(eventId) {
  document.querySelectorAll("#events tr.selected").forEach((r) => r.classList.remove("selected"));
  document.querySelectorAll("#events tr").forEach((r) => {
    if (r.dataset.eventId === eventId) r.classList.add("selected");
  });
  const event = await getJson(`/api/events/${encodeURIComponent(eventId)}`);
  const doc = await getJson(`/api/documents/${encodeURIComponent(event.doc_id)}`);
  const text = doc.text || "";
  const marked = escapeHtml(text.slice(0, event.sentence_start)) + `<mark id="sentence">${markedSentence(event)}</mark>`
    + escapeHtml(text.slice(event.sentence_end));
  const place = event.location
    ? `<a href="${escapeHtml(hrefs.list({ place: event.location.name }))}">${escapeHtml(event.location.name)}</a>`
      + ` <span class="muted">(${escapeHtml(event.location.feature)}`
      + `${event.location.country ? ", " + escapeHtml(event.location.country) : ""}`
      + `${event.location.geonames_id ? ", GeoNames " + escapeHtml(event.location.geonames_id) : ""})</span>`
    : "–";
  const a = (event.source || []).find((x) => x.actor_id), b = (event.target || []).find((x) => x.actor_id);
  const dyad = a && b && a.actor_id !== b.actor_id
    ? ` · <a id="dyad-link" href="${escapeHtml(hrefs.dyad(a.actor_id, b.actor_id))}">these two over time</a>` : "";
  const title = doc.title || `untitled (${(doc.origin || "").split(/[\\/]/).pop()})`;
  $("#detail-body").innerHTML = `<h2>${swatch(event.quad_class)}${escapeHtml(eventType(event))} ${flags(event)}</h2>`
    + `<dl><dt>source</dt><dd>${actorLinks(event.source)}</dd>`
    + `<dt>target</dt><dd>${actorLinks(event.target)}${dyad}</dd>`
    + `<dt>intensity</dt><dd>${number(event.intensity)} <span class="muted">(${escapeHtml(quadLabel(event.quad_class))})</span></dd>`
    + `<dt>date</dt><dd>${escapeHtml(event.date || "–")} <span class="muted">(${escapeHtml(event.date_precision)}`
    + `${event.date_text ? ", from “" + escapeHtml(event.date_text) + "”" : ""}${event.date_inferred ? ", inferred" : ""})</span></dd>`
    + `<dt>where</dt><dd>${place}</dd>`
    + `<dt>coded by</dt><dd>${escapeHtml(event.coded_by)} <span class="muted">(confidence ${escapeHtml(event.confidence)})</span></dd>`
    + `<dt>story</dt><dd>${event.story_id
      ? `<a href="${escapeHtml(hrefs.story(event.story_id))}" id="story-link">${escapeHtml(event.num_articles)} article(s), `
        + `${event.num_sources ? escapeHtml(event.num_sources) + " named source(s)" : "no source named"}</a>`
        + " <span class=\"muted\">(every report of it)</span>"
      : "–"}</dd>`
    + `<dt>document</dt><dd><a href="${escapeHtml(hrefs.doc(doc.doc_id))}" id="doc-link">${escapeHtml(title)}</a></dd>`
    + `<dt>published</dt><dd>${escapeHtml(doc.published || "not given")}${doc.source ? " · " + escapeHtml(doc.source) : ""}</dd>`
    + `<dt>url</dt><dd>${webLink(doc.url)}</dd></dl>`
    + `<div id="doc-text">${marked}</div>`;
  $("#detail").hidden = false;
  const sentence = document.getElementById("sentence");
  if (sentence) sentence.scrollIntoView({ block: "center" });
}

// ---- the map: binned event locations on the world's countries (world-atlas) ----

async function worldCountries() {
  if (!state.world) {
    const atlas = await getJson(WORLD);
    state.world = topojson.feature(atlas, atlas.objects.countries);
  }
  return state.world;
}

// the bins' extent, at least `span` degrees each way, as GeoJSON for the projection to fit
function extent(bins, span = 8) {
  const lats = bins.map((b) => b.lat), lons = bins.map((b) => b.lon);
  const pad = (lo, hi, limit) => {
    const middle = (lo + hi) / 2, half = Math.max(span / 2, (hi - lo) / 2 * 1.15);
    return [Math.max(-limit, middle - half), Math.min(limit, middle + half)];
  };
  const [south, north] = pad(Math.min(...lats), Math.max(...lats), 80);
  const [west, east] = pad(Math.min(...lons), Math.max(...lons), 180);
  return { type: "MultiPoint", coordinates: [[west, south], [east, north], [west, north], [east, south]] };
}

async function showMap(here) {
  const cell = here.params.get("cell") || "1", fit = here.params.get("fit") || "events";
  $("#map-cell").value = cell;
  $("#map-fit").value = fit;
  const params = filterParams(state.filters);
  params.set("cell", cell);
  const [world, data] = await Promise.all([worldCountries(), getJson(`/api/map?${params}`)]);
  $("#map-count").textContent = `${data.located} of ${data.events} events located, in ${data.bins.length} bins`;
  // nested rings, one per quad class: the area between a ring and the next is its count
  const rings = [];
  for (const bin of data.bins) {
    let left = bin.n;
    for (const quad of QUADS) {
      if (bin[quad]) rings.push({ ...bin, quad, r: left });
      left -= bin[quad];
    }
  }
  const describe = (b) => `${b.n} events: ${QUADS.filter((q) => b[q]).map((q) => `${b[q]} ${quadLabel(q)}`).join(", ")}\n`
    + b.places.map((p) => `${p.name} (${p.n})`).join(", ");
  const width = Math.max(480, $("#view-map").clientWidth - 20);
  const projection = fit === "world" || !data.bins.length
    ? { type: "equal-earth" } : { type: "mercator", domain: extent(data.bins), inset: 10 };
  $("#map").replaceChildren(Plot.plot({
    width, height: Math.round(width * 0.55), projection,
    color: { ...QUAD_SCALE, legend: true, tickFormat: quadLabel },
    r: { range: [0, 30], domain: [0, Math.max(1, ...data.bins.map((b) => b.n))] },
    marks: [
      Plot.sphere({ fill: "#f4f8fb", stroke: "#c8d0d8" }),
      Plot.geo(world, { fill: "#e6e9ec", stroke: "#aab3bc", strokeWidth: 0.5, clip: "frame" }),
      Plot.dot(rings, { x: "lon", y: "lat", r: "r", fill: "quad", stroke: "#fff", strokeWidth: 0.6, clip: "frame",
        sort: { channel: "-r" }, title: describe,
        href: (b) => hrefs.list({ ...state.filters, place: b.places[0].name }) }),
    ],
  }));
  $("#map-places tbody").innerHTML = rowsOr(data.places.map((p) => `<tr><td><a href="${escapeHtml(hrefs.list({ ...state.filters, place: p.place }))}">`
    + `${escapeHtml(p.place)}</a></td><td class="num">${p.n}</td><td>`
    + QUADS.filter((q) => p[q]).map((q) => `${swatch(q)}${p[q]} ${escapeHtml(quadLabel(q))}`).join(" · ") + "</td></tr>").join(""), 3, "no located events");
}

// ---- the network: who acts on whom (Cytoscape.js) ----

async function showNetwork(here) {
  const limit = here.params.get("limit") || "150", min = here.params.get("min") || "1";
  $("#network-limit").value = limit;
  $("#network-min").value = min;
  const params = filterParams(state.filters);
  params.set("limit", limit);
  params.set("min", min);
  const data = await getJson(`/api/network?${params}`);
  $("#network-count").textContent = `${data.nodes.length} actors, ${data.edges.length} links`;
  const names = new Map(data.nodes.map((n) => [n.actor_id, n.name || n.actor_id]));
  const most = Math.max(2, ...data.nodes.map((n) => n.events)), heaviest = Math.max(2, ...data.edges.map((e) => e.n));
  if (state.graph) state.graph.destroy();
  state.graph = cytoscape({
    container: $("#network-graph"),
    elements: [
      ...data.nodes.map((n) => ({ data: { id: n.actor_id, label: n.name || n.actor_id, events: n.events } })),
      ...data.edges.map((e, i) => ({ data: { id: `edge${i}`, source: e.source, target: e.target, n: e.n,
        colour: QUAD_COLOURS[e.quad_class] || "#999" } })),
    ],
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 12, color: "#1d232b", "background-color": "#2f5d8a",
        width: `mapData(events, 1, ${most}, 14, 48)`, height: `mapData(events, 1, ${most}, 14, 48)`,
        "text-valign": "bottom", "text-margin-y": 3 } },
      { selector: "edge", style: { width: `mapData(n, 1, ${heaviest}, 1, 9)`, "line-color": "data(colour)",
        "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "curve-style": "bezier", opacity: 0.75 } },
    ],
    layout: { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, padding: 20, componentSpacing: 30,
      idealEdgeLength: () => 60, nodeRepulsion: () => 6000 },
  });
  state.graph.on("tap", "node", (e) => { location.hash = hrefs.actor(e.target.id()); });
  state.graph.on("tap", "edge", (e) => { location.hash = hrefs.dyad(e.target.data("source"), e.target.data("target")); });
  const actor = (id) => `<a href="${escapeHtml(hrefs.actor(id))}">${escapeHtml(names.get(id))}</a> <span class="muted">${escapeHtml(id)}</span>`;
  $("#network-edges tbody").innerHTML = rowsOr(data.edges.map((e) => `<tr><td>${actor(e.source)}</td><td>${actor(e.target)}</td>`
    + `<td class="num">${e.n}</td><td class="num">${number(e.intensity)}</td><td>${swatch(e.quad_class)}${escapeHtml(quadLabel(e.quad_class))}</td>`
    + `<td><a href="${escapeHtml(hrefs.dyad(e.source, e.target))}">dyad</a></td></tr>`).join(""), 6, "no links");
}

// ---- stories: every report of one event ----

function pageLinks(prefix, page, total, params = new URLSearchParams()) {
  const at = (p) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", p);
    return `${prefix}?${next}`;
  };
  return { prev: page > 1 ? at(page - 1) : null, next: page * PAGE < total ? at(page + 1) : null };
}

function setLink(element, href) {
  if (href) element.setAttribute("href", href);
  else element.removeAttribute("href");
  element.classList.toggle("disabled", !href);
}

async function showStories(here) {
  const page = Math.max(1, parseInt(here.params.get("page"), 10) || 1), sort = here.params.get("sort") || "articles";
  $("#stories-sort").value = sort;
  const params = filterParams(state.filters);
  params.set("limit", PAGE);
  params.set("offset", (page - 1) * PAGE);
  params.set("sort", sort);
  const data = await getJson(`/api/stories?${params}`);
  const first = (page - 1) * PAGE;
  $("#stories-count").textContent = data.total
    ? `stories ${first + 1}–${first + data.stories.length} of ${data.total}` : "no stories match";
  $("#stories tbody").innerHTML = rowsOr(data.stories.map((s) => `<tr><td>${escapeHtml(s.first_date || "–")}`
    + `${s.last_date && s.last_date !== s.first_date ? " … " + escapeHtml(s.last_date) : ""}</td>`
    + `<td>${swatch(s.quad_class)}<a href="${escapeHtml(hrefs.story(s.story_id))}">${escapeHtml(s.title || "untitled")}</a>`
    + `<br><span class="muted">${escapeHtml(s.sentence)}</span></td>`
    + `<td>${escapeHtml(s.types.join(" "))}</td><td class="num">${s.num_articles}</td>`
    + `<td class="num">${s.num_sources}</td><td class="num">${s.events}</td></tr>`).join(""), 6, "no stories");
  const links = pageLinks("#/stories", page, data.total, new URLSearchParams({ sort }));
  setLink($("#stories-prev"), links.prev);
  setLink($("#stories-next"), links.next);
}

// documents by the words they contain (BM25 over titles and texts), each a link to its page
async function showSearch(here) {
  const q = here.params.get("q") || "";
  $("#search-form").elements.q.value = q;
  if (!q.trim()) {
    $("#search-count").textContent = "";
    $("#search-results tbody").innerHTML = rowsOr([], 5, "type words to search the documents");
    return;
  }
  const hits = await getJson(`/api/search?${new URLSearchParams({ q, limit: 50 })}`);
  $("#search-count").textContent = hits.length ? `${hits.length}${hits.length === 50 ? "+" : ""} document(s)` : "no document has these words";
  $("#search-results tbody").innerHTML = rowsOr(hits.map((h) => `<tr><td><a href="${escapeHtml(hrefs.doc(h.doc_id))}">`
    + `${escapeHtml(h.title || `untitled (${h.origin || h.doc_id})`)}</a></td><td>${escapeHtml(h.source || "–")}</td>`
    + `<td>${escapeHtml(h.published || "–")}</td><td class="num">${h.events}</td><td class="num">${number(h.score, 2)}</td></tr>`).join(""),
  5, "no document has these words");
}

async function showStory(here) {
  const story = await getJson(`/api/stories/${encodeURIComponent(here.id)}`);
  const span = (a, b) => (a ? `${escapeHtml(a)}${b && b !== a ? " … " + escapeHtml(b) : ""}` : "–");
  const documents = story.documents.map((d) => `<tr><td>${escapeHtml(d.published || "–")}</td><td>${escapeHtml(d.source || "–")}</td>`
    + `<td><a href="${escapeHtml(hrefs.doc(d.doc_id))}">${escapeHtml(d.title || `untitled (${d.origin})`)}</a></td>`
    + `<td>${webLink(d.url)}</td><td class="num">${d.events}</td></tr>`).join("");
  $("#story-body").innerHTML = `<h2>Story <span class="muted">${escapeHtml(story.story_id)}</span></h2>`
    + `<dl class="facts"><dt>articles</dt><dd>${story.num_articles}</dd>`
    + `<dt>named sources</dt><dd>${story.num_sources ? story.sources.map((s) => `${escapeHtml(s.source)} (${s.articles})`).join(", ") : "none named"}</dd>`
    + `<dt>events dated</dt><dd>${span(story.first_date, story.last_date)}</dd>`
    + `<dt>published</dt><dd>${span(story.first_published, story.last_published)}</dd>`
    + `<dt>events</dt><dd>${story.events.length} · <a id="story-list-link" href="${escapeHtml(hrefs.list({ story: story.story_id }))}">in the event list</a></dd></dl>`
    + "<h3>Articles</h3><table id=\"story-documents\" class=\"compact\"><thead><tr><th>published</th><th>source</th><th>title</th><th>url</th><th>events</th></tr></thead>"
    + `<tbody>${documents}</tbody></table>`
    + `<h3>Events</h3><div id="story-events">${eventsTable(story.events)}</div>`;
}

// ---- an actor: aliases, roles over time, events, partners ----

async function showActor(here) {
  const page = Math.max(1, parseInt(here.params.get("page"), 10) || 1);
  const actor = await getJson(`/api/actors/${encodeURIComponent(here.id)}?limit=${PAGE}&offset=${(page - 1) * PAGE}`);
  const code = [actor.country, actor.sector].filter(Boolean).join("/");
  const aliases = actor.aliases.length ? actor.aliases.map(escapeHtml).join(", ") : "<span class=\"muted\">none known</span>";
  const forms = actor.forms.map((f) => `${escapeHtml(f.text)} <span class="muted">(${f.n})</span>`).join(", ") || "–";
  const roles = actor.roles.map((r) => `<tr><td>${escapeHtml(r.title || "–")}</td><td>${escapeHtml(r.country)}/${escapeHtml(r.sector)}</td>`
    + `<td>${escapeHtml(r.valid_from || "?")}</td><td>${escapeHtml(r.valid_to || "—")}</td></tr>`).join("");
  const observed = actor.observed_roles.map((r) => `<tr><td>${escapeHtml(r.country || "?")}/${escapeHtml(r.sector || "?")}</td>`
    + `<td>${escapeHtml(r.first || "–")}</td><td>${escapeHtml(r.last || "–")}</td><td class="num">${r.n}</td></tr>`).join("");
  const partners = actor.partners.map((p) => `<tr><td><a href="${escapeHtml(hrefs.actor(p.actor_id))}">${escapeHtml(p.name || p.actor_id)}</a>`
    + ` <span class="muted">${escapeHtml(p.actor_id)}</span></td><td class="num">${p.acts_on}</td><td class="num">${p.acted_on_by}</td>`
    + `<td class="num">${number(p.intensity)}</td><td><a href="${escapeHtml(hrefs.dyad(actor.actor_id, p.actor_id))}">dyad</a></td></tr>`).join("");
  const pages = pageLinks(hrefs.actor(actor.actor_id), page, actor.total);
  $("#actor-body").innerHTML = `<h2>${escapeHtml(actor.name || actor.actor_id)} <span class="muted">${escapeHtml(actor.actor_id)}`
    + `${code ? " · " + escapeHtml(code) : ""}</span></h2>`
    + `<p class="muted">${actor.total} events: source of ${actor.as_source}, target of ${actor.as_target}</p>`
    + `<dl class="facts"><dt>aliases</dt><dd id="actor-aliases">${aliases}</dd><dt>as written</dt><dd id="actor-forms">${forms}</dd></dl>`
    + (roles ? `<h3>Roles</h3><div id="actor-roles-chart"></div><table id="actor-roles" class="compact"><thead><tr><th>title</th><th>country/sector</th><th>from</th><th>to</th></tr></thead><tbody>${roles}</tbody></table>` : "")
    + `<h3>As the events code it</h3><table id="actor-observed" class="compact"><thead><tr><th>country/sector</th><th>first</th><th>last</th><th>events</th></tr></thead><tbody>${rowsOr(observed, 4, "no events")}</tbody></table>`
    + "<h3>Events by month</h3><div id=\"actor-timeline\"></div>"
    + `<h3>Top partners</h3><table id="actor-partners" class="compact"><thead><tr><th>partner</th><th>acts on it</th><th>acted on by it</th><th>mean intensity</th><th></th></tr></thead><tbody>${rowsOr(partners, 5)}</tbody></table>`
    + `<h3>Events</h3><div id="actor-events">${eventsTable(actor.events)}</div>`
    + `<nav class="pager">${pages.prev ? `<a href="${escapeHtml(pages.prev)}">‹ previous</a>` : ""} `
    + `${pages.next ? `<a href="${escapeHtml(pages.next)}">next ›</a>` : ""}</nav>`;
  if (actor.roles.length) {
    const today = new Date();
    const rows = actor.roles.map((r) => ({ ...r, label: `${r.title || r.sector} (${r.country})`,
      from: r.valid_from ? new Date(r.valid_from) : null, to: r.valid_to ? new Date(r.valid_to) : today }));
    $("#actor-roles-chart").replaceChildren(Plot.plot({
      width: 640, height: 24 * new Set(rows.map((r) => r.label)).size + 40, marginLeft: 170,
      x: { type: "utc", label: null }, y: { label: null },
      marks: [Plot.barX(rows.filter((r) => r.from), { x1: "from", x2: "to", y: "label", fill: "#2f5d8a",
        title: (r) => `${r.label}: ${r.valid_from} – ${r.valid_to || "now"}` })],
    }));
  }
  const timeline = $("#actor-timeline");
  if (!actor.by_month.length) timeline.innerHTML = "<p class=\"muted\">no dated events</p>";
  else {
    timeline.replaceChildren(Plot.plot({
      width: 640, height: 180, x: { type: "utc", label: null }, y: { label: "events", grid: true },
      color: { ...QUAD_SCALE, legend: true, tickFormat: quadLabel },
      marks: [Plot.rectY(actor.by_month, { x: (r) => periodDate(r.month), interval: "month", y: "n", fill: "quad_class",
        title: (r) => `${r.month}: ${r.n} ${quadLabel(r.quad_class)}` }), Plot.ruleY([0])],
    }));
  }
}

// ---- a dyad: two actors' cooperation and conflict over time, both directions ----

let actorsListed = false;
async function listActorIds() {
  if (actorsListed) return;
  actorsListed = true;
  const actors = await getJson("/api/actors?limit=500");
  $("#actor-ids").replaceChildren(...actors.map((a) => new Option(a.forms ? a.forms.split(" | ")[0] : a.actor_id, a.actor_id)));
}

async function showDyad(here) {
  const form = $("#dyad-form");
  const a = here.params.get("a") || "", b = here.params.get("b") || "", unit = here.params.get("unit") || "month";
  form.elements.a.value = a;
  form.elements.b.value = b;
  form.elements.unit.value = unit;
  listActorIds().catch(showError);
  const body = $("#dyad-body");
  if (!a || !b) {
    body.innerHTML = "<p class=\"muted\">Two actor ids (as on their pages: RUS, GEO:MIL, person:sergey-lavrov).</p>";
    return;
  }
  body.innerHTML = "";
  const params = new URLSearchParams({ a, b, unit });
  const dyad = await getJson(`/api/dyad?${params}`);
  const nameA = dyad.a.name || dyad.a.actor_id, nameB = dyad.b.name || dyad.b.actor_id;
  const label = { a_to_b: `${nameA} → ${nameB}`, b_to_a: `${nameB} → ${nameA}` };
  const totals = ["a_to_b", "b_to_a"].map((d) => {
    const t = dyad.totals.find((x) => x.direction === d);
    return `<li>${escapeHtml(label[d])}: ${t ? `${t.n} events, mean intensity ${number(t.mean_intensity)}`
      + (t.undated ? ` <span class="muted">(${t.undated} without a ${escapeHtml(unit)})</span>` : "") : "no events"}</li>`;
  }).join("");
  const swap = hrefs.dyad(dyad.b.actor_id, dyad.a.actor_id);
  body.innerHTML = `<h2><a href="${escapeHtml(hrefs.actor(dyad.a.actor_id))}">${escapeHtml(nameA)}</a> ⇄ `
    + `<a href="${escapeHtml(hrefs.actor(dyad.b.actor_id))}">${escapeHtml(nameB)}</a> <a class="muted small" href="${escapeHtml(swap)}">swap</a></h2>`
    + `<ul id="dyad-totals">${totals}</ul>`
    + "<h3>Mean intensity (−10 conflict … +10 cooperation)</h3><div id=\"dyad-intensity\"></div>"
    + "<h3>Events by quad class</h3><div id=\"dyad-counts\"></div>"
    + `<h3>Events</h3><div id="dyad-events">${eventsTable(dyad.events, { direction: (e) => label[e.direction] })}</div>`;
  if (!dyad.series.length) {
    $("#dyad-intensity").innerHTML = "<p class=\"muted\">no dated events between them</p>";
    return;
  }
  const series = dyad.series.map((s) => ({ ...s, when: periodDate(s.period), who: label[s.direction] }));
  const directions = { domain: [label.a_to_b, label.b_to_a], range: ["#2f5d8a", "#c2571a"], legend: true };
  // the time axis from the first period to the end of the last (one month alone would be drawn in days)
  const step = unit === "year" ? d3.utcYear : d3.utcMonth;
  const times = series.map((s) => s.when);
  const domain = [step.offset(d3.min(times), -1), step.offset(d3.max(times), 2)];
  // a short span gets a tick per month (Plot would otherwise pick days or weeks)
  const ticks = unit === "month" && d3.utcMonth.count(...domain) <= 18 ? d3.utcMonth : undefined;
  $("#dyad-intensity").replaceChildren(Plot.plot({
    width: 720, height: 240, x: { type: "utc", label: null, domain, ticks }, y: { domain: [-10, 10], grid: true, label: "intensity" },
    color: directions, r: { range: [2, 10] },
    marks: [
      Plot.ruleY([0], { stroke: "#888" }),
      Plot.lineY(series, { x: "when", y: "mean_intensity", stroke: "who", z: "who", curve: "monotone-x" }),
      Plot.dot(series, { x: "when", y: "mean_intensity", fill: "who", r: "n",
        title: (s) => `${s.who}, ${s.period}: ${s.n} events, mean ${number(s.mean_intensity)}, total ${number(s.total_intensity)}` }),
    ],
  }));
  const counts = series.flatMap((s) => QUADS.filter((q) => s[q]).map((q) => ({ when: s.when, who: s.who, quad: q, n: s[q], period: s.period })));
  $("#dyad-counts").replaceChildren(Plot.plot({
    width: 720, height: 280, x: { type: "utc", label: null, domain, ticks }, y: { label: "events", grid: true },
    fy: { axis: null, domain: directions.domain }, color: { ...QUAD_SCALE, legend: true, tickFormat: quadLabel },
    marks: [
      Plot.rectY(counts, { x: "when", interval: unit, y: "n", fill: "quad", fy: "who",
        title: (c) => `${c.who}, ${c.period}: ${c.n} ${quadLabel(c.quad)}` }),
      Plot.text(directions.domain, { fy: (d) => d, text: (d) => d, frameAnchor: "top-left", dx: 4, dy: 4 }),
      Plot.ruleY([0]),
    ],
  }));
}

// ---- a document with every event it gave ----

async function showDocument(here) {
  const doc = await getJson(`/api/documents/${encodeURIComponent(here.id)}`);
  const text = doc.text || "";
  // each event's sentence marked once (several events may share one), in text order
  const spans = [...new Map(doc.events.map((e) => [`${e.sentence_start}:${e.sentence_end}`, e])).values()]
    .sort((x, y) => x.sentence_start - y.sentence_start);
  let html = "", at = 0;
  for (const e of spans) {
    if (e.sentence_start < at) continue;
    html += escapeHtml(text.slice(at, e.sentence_start))
      + `<a class="sentence-link" href="${escapeHtml(hrefs.event(e.event_id))}"><mark>${escapeHtml(text.slice(e.sentence_start, e.sentence_end))}</mark></a>`;
    at = e.sentence_end;
  }
  html += escapeHtml(text.slice(at));
  const title = doc.title || `untitled (${(doc.origin || "").split(/[\\/]/).pop()})`;
  $("#doc-body").innerHTML = `<h2>${escapeHtml(title)}</h2>`
    + `<dl class="facts"><dt>published</dt><dd>${escapeHtml(doc.published || "not given")}</dd>`
    + `<dt>source</dt><dd>${escapeHtml(doc.source || "–")}</dd><dt>author</dt><dd>${escapeHtml(doc.author || "–")}</dd>`
    + `<dt>dateline</dt><dd>${escapeHtml(doc.dateline || "–")}</dd><dt>url</dt><dd>${webLink(doc.url)}</dd>`
    + (doc.warnings.length ? `<dt>warnings</dt><dd>${doc.warnings.map(escapeHtml).join("<br>")}</dd>` : "") + "</dl>"
    + `<h3>Events</h3><div id="doc-events">${eventsTable(doc.events)}</div>`
    + `<h3>Text</h3><div id="doc-full-text" class="doc-text">${html}</div>`;
}

// ---- wiring ----

function init() {
  const form = $("#filters");
  for (const type of TYPES) form.elements.type.appendChild(new Option(type, type));
  for (const quad of QUADS) form.elements.quad.appendChild(new Option(quadLabel(quad), quad));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const filters = {};
    for (const key of FILTERS) {
      const field = form.elements[key];
      filters[key] = MULTI.has(key) ? [...field.selectedOptions].map((o) => o.value) : field.value.trim();
    }
    applyFilters(filters);
  });
  form.addEventListener("reset", () => setTimeout(() => applyFilters({}), 0));
  $("#prev").addEventListener("click", () => navigate(listAddress({ page: state.page - 1 })));
  $("#next").addEventListener("click", () => navigate(listAddress({ page: state.page + 1, after: state.next || "" })));
  document.querySelectorAll("#events th[data-sort] button").forEach((button) => button.addEventListener("click", () => {
    const key = button.parentElement.dataset.sort;
    navigate(listAddress({ page: 1, sort: state.sort === key ? `-${key}` : key }));
  }));
  $("#close").addEventListener("click", () => {
    $("#detail").hidden = true;
    navigate(`${location.pathname}${location.search}`);
  });
  const viewParams = (view, params) => { location.hash = `#/${view}?${new URLSearchParams(params)}`; };
  $("#map-cell").addEventListener("change", () => viewParams("map", { cell: $("#map-cell").value, fit: $("#map-fit").value }));
  $("#map-fit").addEventListener("change", () => viewParams("map", { cell: $("#map-cell").value, fit: $("#map-fit").value }));
  for (const id of ["#network-limit", "#network-min"]) {
    $(id).addEventListener("change", () => viewParams("network", { limit: $("#network-limit").value, min: $("#network-min").value }));
  }
  $("#stories-sort").addEventListener("change", () => viewParams("stories", { sort: $("#stories-sort").value }));
  $("#dyad-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = e.target.elements;
    viewParams("dyad", { a: f.a.value.trim(), b: f.b.value.trim(), unit: f.unit.value });
  });
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    viewParams("search", { q: e.target.elements.q.value.trim() });
  });
  // links to the list ("/?...", from a chart, the map or a page) change the view in place
  document.addEventListener("click", (e) => {
    const link = e.target.closest("a");
    if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const href = link.getAttribute("href") || "";
    if (href === "/" || href.startsWith("/?")) {
      e.preventDefault();
      navigate(href);
    }
  });
  window.addEventListener("popstate", route);
  window.addEventListener("hashchange", route);
  loadSummary().catch(showError); // the header's counts and the list's charts, whatever view opens first
  route();
}

init();
