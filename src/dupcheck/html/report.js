(() => {
  "use strict";

  const DATA = JSON.parse(document.getElementById("dupcheck-data").textContent);
  const PAGE = DATA.page;
  const S = PAGE.strings;
  const LABELS = ["original", "reuse", "template", "boilerplate", "self", "collective", "quote"];
  const SHARE = { original: "originality", reuse: "reuse", template: "template", boilerplate: "boilerplate",
    self: "self", collective: "collective", quote: "quote" };
  // html_report's order
  const SHARE_KEYS = ["originality", "reuse", "template", "boilerplate", "self", "collective", "quote"];
  const COMPARABLE = new Set(["reuse", "template", "self", "collective"]);
  const OPTIONAL = new Set(["self", "collective", "quote"]); // shown only where a report has them
  const DIFF_CELLS = 4000000; // the largest LCS table (characters × characters) the page computes
  const PAGE_ROWS = 100; // ranking rows drawn at a time: thousands of rows would take seconds to lay out
  const MATRIX_MAX = 60; // members in the heat map at most, however wide the window
  const MATRIX_CELL = 30; // pixels per heat-map column and of the row names' column (report.css sizes them)
  const MATRIX_HEAD = 120;
  const LIST_MAX = 30; // pairs and groups listed
  const PRINT_PASSAGES = 5; // passages per document on a printed page, so that a member fits on one page
  const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

  const docs = DATA.documents;
  const docById = new Map(docs.map((d) => [d.id, d]));
  const $ = (id) => document.getElementById(id);

  // ---- helpers: every element is built with createElement, every text set as a text node

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }
  function pct(x) {
    return (100 * (x || 0)).toFixed(1) + "%";
  }
  function add(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach((c) => add(node, c));
    else node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "data") for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
      else if (key === "style") Object.assign(node.style, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    add(node, children);
    return node;
  }
  function hash(params) {
    return "#" + new URLSearchParams(params).toString();
  }
  function go(params) {
    location.hash = hash(params);
  }
  function toInt(value) {
    const n = Number.parseInt(value, 10);
    return Number.isFinite(n) ? n : null;
  }
  function short(text, limit) {
    const chars = Array.from(text.replace(/\s+/g, " ").trim());
    return chars.length <= limit ? chars.join("") : chars.slice(0, limit - 1).join("") + "…";
  }
  function unique(items) {
    return [...new Set(items)];
  }

  // ---- the texts: chunks of gzip-compressed JSON (html_report.py), decoded when a document is first opened

  const STORE = new Map(); // text id -> {text, spans, sections | outline, matches}
  const chunkLoads = new Map(); // chunk index -> Promise of its entries stored
  const chunkWaiting = new Map(); // chunk index -> resolve, for a report folder's data/NNNN.js
  window.dupcheckChunk = (index, b64) => {
    const resolve = chunkWaiting.get(index);
    chunkWaiting.delete(index);
    if (resolve) resolve(b64);
  };

  // One text's entry as the page uses it: objects made from html_report's compact rows.
  function remember(chunk) {
    for (const [id, e] of Object.entries(chunk)) {
      STORE.set(id, {
        text: e.text,
        spans: (e.spans || []).map(([start, end, label]) => ({ start, end, label })),
        sections: e.sections ? e.sections.map(([title, level, start, end, chars, ...shares]) =>
          Object.assign({ title, level, start, end, chars }, ...SHARE_KEYS.map((k, i) => ({ [k]: shares[i] })))) : null,
        outline: e.outline || [],
        matches: e.matches.map(([k, kind, similarity, start, end, doc, oStart, oEnd]) => ({ k, kind, similarity,
          mine: { doc: id, start, end }, other: { doc, start: oStart, end: oEnd } })),
      });
    }
    return chunk;
  }
  function chunkText(index) {
    if (PAGE.chunkPath === null) {
      const node = $("dupcheck-chunk-" + index);
      return node ? Promise.resolve(node.textContent) : Promise.reject(new Error("chunk " + index));
    }
    return new Promise((resolve, reject) => {
      chunkWaiting.set(index, resolve);
      const script = document.createElement("script");
      script.src = PAGE.chunkPath + String(index).padStart(4, "0") + ".js";
      script.onerror = () => reject(new Error(script.src));
      document.head.appendChild(script);
    });
  }
  async function decodeChunk(b64) {
    if (typeof DecompressionStream === "undefined") throw new Error(S.noDecompression);
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }
  function loadChunk(index) {
    if (!chunkLoads.has(index)) {
      const load = chunkText(index).then(decodeChunk).then(remember);
      load.catch(() => chunkLoads.delete(index)); // a failed load is tried again next time
      chunkLoads.set(index, load);
    }
    return chunkLoads.get(index);
  }
  // Every text of `ids` in STORE (those the report has no text for are left out).
  function need(ids) {
    const wanted = unique(ids.filter((id) => !STORE.has(id) && id in DATA.chunks).map((id) => DATA.chunks[id]));
    return Promise.all(wanted.map(loadChunk));
  }

  // Offsets are Python string indices (code points); JS strings index UTF-16 units, so texts are split into
  // code points once and sliced as arrays.
  const codePointCache = new Map();
  function codePoints(id) {
    let chars = codePointCache.get(id);
    if (!chars) {
      const entry = STORE.get(id);
      chars = Array.from(entry ? entry.text : "");
      codePointCache.set(id, chars);
    }
    return chars;
  }
  function excerpt(id, start, end) {
    return codePoints(id).slice(start, end).join("");
  }
  function memberOf(id) {
    const d = docById.get(id);
    return d ? d.member : DATA.members[id] || "";
  }
  function sectionsOf(id) {
    const entry = STORE.get(id);
    if (!entry) return [];
    return entry.sections ? entry.sections.map((s) => [s.start, s.end, s.title]) : entry.outline;
  }
  function sectionAt(id, pos) {
    let title = "";
    for (const [start, end, t] of sectionsOf(id)) if (start <= pos && pos < end) title = t; // parents come first
    return title;
  }
  // A document's integrity flags in the page's language ("hidden text removed: 7,442 characters").
  function integrityNotes(d) {
    return ((d && d.integrity) || []).map((f) =>
      fmt((S.integrity && S.integrity[f.flag]) || f.note, { n: Number(f.count).toLocaleString("en-US") }));
  }
  function isFlagged(section) {
    return section.chars > 0 && ownOrQuoted(section) < PAGE.threshold;
  }
  function ownOrQuoted(obj) { // what a threshold is held to: a cited quotation is no copy (Shares.own_or_quoted)
    return obj.originality + (obj.quote || 0);
  }
  function sharesSummary(obj) {
    return LABELS.filter((l) => !OPTIONAL.has(l) || obj[SHARE[l]] > 0)
      .map((l) => S.labels[l] + " " + pct(obj[SHARE[l]]))
      .join(" · ");
  }
  function sharesBar(obj, extraClass, title) {
    const summary = sharesSummary(obj);
    const bar = el("div", { class: "bar" + (extraClass ? " " + extraClass : ""), role: "img",
      "aria-label": summary, title: title || summary });
    for (const l of LABELS) {
      const v = obj[SHARE[l]] || 0;
      if (v > 0) bar.appendChild(el("span", { class: "seg seg-" + l, style: { width: 100 * v + "%" } }));
    }
    return bar;
  }
  const present = new Set(LABELS.filter((l) => docs.some((d) => d[SHARE[l]] > 0)));
  function legend() {
    return el("div", { class: "legend" }, LABELS.filter((l) => !OPTIONAL.has(l) || present.has(l)).map((l) =>
      el("span", { class: "key", title: S.labelHelp[l] }, el("i", { class: "swatch seg-" + l }), S.labels[l])));
  }
  function compareHref(k, mine) {
    return hash({ cmp: k, doc: mine.doc, s: mine.start, e: mine.end });
  }
  function linkHref(link) { // [k, doc, start, end] from html_report: the first reuse match between two members
    return link ? compareHref(link[0], { doc: link[1], start: link[2], end: link[3] }) : null;
  }
  function onActivate(node, open) {
    node.addEventListener("click", open);
    node.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        open();
      }
    });
  }

  // ---- overview

  const memberStats = new Map(); // member -> {units, reuse: the highest reuse share of their documents}
  const docsByMember = new Map();
  for (const d of docs) {
    const st = memberStats.get(d.member) || { units: new Set(), reuse: 0 };
    st.units.add(d.unit);
    st.reuse = Math.max(st.reuse, d.reuse);
    memberStats.set(d.member, st);
    if (!docsByMember.has(d.member)) docsByMember.set(d.member, []);
    docsByMember.get(d.member).push(d);
  }
  // pairs as html_report writes them: [a, b, chars a, chars b, share a, share b, passages, link a, link b]
  const cells = new Map(); // "a\0b" -> the row member a's side of the pair
  const pairsOf = new Map(); // member -> [{partner, chars, share, n, link}]
  const sharing = new Map(); // member -> the highest share of their text they share with one other member
  for (const [a, b, ca, cb, sa, sb, n, la, lb] of DATA.pairs) {
    for (const [x, y, chars, share, link] of [[a, b, ca, sa, la], [b, a, cb, sb, lb]]) {
      const cell = { partner: y, chars, share, n, link };
      cells.set(x + "\u0000" + y, cell);
      if (!pairsOf.has(x)) pairsOf.set(x, []);
      pairsOf.get(x).push(cell);
      sharing.set(x, Math.max(sharing.get(x) || 0, share));
    }
  }
  // How much a member shares, for choosing whom the heat map shows: the reuse share of their report, or for a
  // partner without a document here (a check's), the share of their text shared with the one checked.
  function weightOf(member) {
    const st = memberStats.get(member);
    return st ? st.reuse : sharing.get(member) || 0;
  }
  function cellShare(a, b) {
    const x = cells.get(a + "\u0000" + b), y = cells.get(b + "\u0000" + a);
    return Math.max(x ? x.share : 0, y ? y.share : 0);
  }

  // An order of `members` (most important first) that puts those who share with each other side by side: a
  // greedy chain that always takes next the member who shares most with the last few placed, and when nobody
  // does, the most important member left.
  function seriate(members, weight) {
    const left = [...members];
    const out = [];
    while (left.length) {
      let best = 0, bestScore = 0;
      for (let i = 0; i < left.length && out.length; i++) {
        let score = 0;
        for (let back = 1; back <= 3 && back <= out.length; back++) score += weight(out[out.length - back], left[i]) / back;
        if (score > bestScore) { best = i; bestScore = score; }
      }
      out.push(left.splice(best, 1)[0]);
    }
    return out;
  }
  // The pairs, the most shared first (the larger of the two shares).
  const strongest = DATA.pairs.map((p) => [p[0], p[1], Math.max(p[4], p[5])]).sort((x, y) => y[2] - x[2]);
  // The members the heat map shows, at most `limit` of `candidates`: the two members of each pair in turn, the
  // most shared first, so that each one shown has a partner beside them (members ranked by their own reuse
  // alone might share nothing with each other); then, while there is room, the others by what they share.
  // Seriated, so that each cluster sits together.
  function matrixMembers(candidates, limit) {
    const allowed = new Set(candidates);
    const chosen = new Set();
    for (const [a, b] of strongest) {
      if (chosen.size >= limit) break;
      if (!allowed.has(a) || !allowed.has(b)) continue;
      if (chosen.size + !chosen.has(a) + !chosen.has(b) > limit) continue;
      chosen.add(a).add(b);
    }
    for (const m of byWeight()) {
      if (chosen.size >= limit) break;
      if (allowed.has(m)) chosen.add(m);
    }
    const ranked = byWeight().filter((m) => chosen.has(m));
    return { members: seriate(ranked, cellShare), left: candidates.length - chosen.size };
  }
  // Every member (of a document or of a pair), by what they share, most first, then by name: sorted once.
  let membersByWeight = null;
  function byWeight() {
    if (!membersByWeight) {
      membersByWeight = unique([...docs.map((d) => d.member), ...DATA.pairs.flatMap((p) => [p[0], p[1]])])
        .sort((x, y) => weightOf(y) - weightOf(x) || (x < y ? -1 : x > y ? 1 : 0));
    }
    return membersByWeight;
  }

  const state = { rows: docs, first: 0, rowOk: () => true };

  function buildOverview() {
    document.title = PAGE.title;
    $("page-title").textContent = PAGE.title;
    $("summary").textContent = fmt(S.summary, { docs: docs.length, pairs: DATA.pairs.length,
      groups: DATA.groups.length, matches: DATA.matches });
    for (const node of document.querySelectorAll("[data-t]")) {
      node.textContent = fmt(S[node.dataset.t], { t: +(100 * PAGE.threshold).toFixed(1) + "%" });
    }
    $("filter-member").placeholder = S.filterMemberPlaceholder;
    $("ranking-legend").appendChild(legend());
    const headings = [S.colMember, S.colDoc, S.colOriginal, S.colShares, S.colPartner, S.colSections];
    $("ranking").tHead.appendChild(el("tr", null, headings.map((h, i) =>
      el("th", { scope: "col", class: i === 2 ? "num" : null }, h))));
    buildFilters();
    const pages = { "page-first": () => 0, "page-prev": () => state.first - PAGE_ROWS,
      "page-next": () => state.first + PAGE_ROWS, "page-last": () => state.rows.length - 1 };
    for (const [id, to] of Object.entries(pages)) $(id).addEventListener("click", () => showRows(to()));
    $("print-button").addEventListener("click", () => window.print());
    $("matrix").addEventListener("click", openCell);
    $("matrix").addEventListener("keydown", openCell);
    let resizing = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        matrixWidth = 0;
        renderMatrix();
      }, 150);
    });
    if (DATA.errors.length) {
      $("errors-card").hidden = false;
      for (const e of DATA.errors) $("errors").appendChild(el("li", null, el("code", null, e.path), " — " + e.error));
    }
  }

  function buildFilters() {
    const select = $("filter-unit");
    const units = unique(docs.map((d) => d.unit)).sort();
    select.appendChild(el("option", { value: "" }, S.allUnits));
    for (const unit of units) {
      select.appendChild(el("option", { value: unit === "" ? "/" : unit }, unit === "" ? S.rootUnit : unit));
    }
    select.closest("label").hidden = units.every((u) => u === ""); // a corpus without folders has no units
    for (const id of ["filter-unit", "filter-overlap", "filter-member"]) {
      $(id).addEventListener("input", applyFilters);
      $(id).addEventListener("change", applyFilters);
    }
  }

  function rankingRow(d) {
    let partner = S.none;
    if (d.top_partner) {
      partner = el("a", { class: "top-partner", href: linkHref(d.partner_link) },
        d.top_partner + " " + pct(d.top_partner_share));
    }
    const sectionBars = d.sections.map((s) => {
      const title = s.title + " · " + fmt(S.sectionOriginal, { p: pct(s.originality) }) +
        (isFlagged(s) ? " · " + S.flagged : "");
      return el("a", { class: "sec-bar", title, href: hash({ doc: d.id, sec: s.start }), data: { start: s.start } },
        el("span", { class: "sec-caption" }, short(s.title, 7)), sharesBar(s, null, title));
    });
    return el("tr", { class: "doc-row", data: { doc: d.id, member: d.member, unit: d.unit } },
      el("td", { class: "member" }, d.member),
      el("td", { class: "doc" }, el("a", { class: "doc-link", href: hash({ doc: d.id }) }, d.id),
        integrityNotes(d).length ? el("div", { class: "integrity" }, integrityNotes(d).join(" · ")) : null),
      el("td", { class: "num original" + (ownOrQuoted(d) < PAGE.threshold ? " low" : "") }, pct(d.originality)),
      el("td", { class: "shares" }, sharesBar(d)),
      el("td", { class: "partner" }, partner),
      el("td", { class: "sections" }, el("div", { class: "section-bars" }, sectionBars)));
  }

  // The page of the ranking that holds row `first` (rows of the filtered documents, PAGE_ROWS at a time).
  function showRows(first) {
    const n = state.rows.length;
    state.first = Math.max(0, Math.min(first, n - 1));
    state.first -= state.first % PAGE_ROWS;
    const rows = state.rows.slice(state.first, state.first + PAGE_ROWS);
    $("ranking").tBodies[0].replaceChildren(...rows.map(rankingRow));
    const pages = Math.max(1, Math.ceil(n / PAGE_ROWS));
    $("page-info").textContent = fmt(S.pageInfo, { from: n ? state.first + 1 : 0, to: state.first + rows.length, n,
      page: Math.floor(state.first / PAGE_ROWS) + 1, pages });
    $("pager").hidden = n <= PAGE_ROWS;
    $("page-first").disabled = $("page-prev").disabled = state.first === 0;
    $("page-next").disabled = $("page-last").disabled = state.first + PAGE_ROWS >= n;
  }

  function heat(share) {
    // white to vermillion; a share of 30 % or more is full colour
    const t = Math.min(1, share / 0.3);
    const f = 0.12 + 0.88 * t;
    const mix = (c) => Math.round(255 + (c - 255) * f);
    return { color: `rgb(${mix(0xd5)}, ${mix(0x5e)}, ${mix(0x00)})`, dark: t > 0.55 };
  }

  // The card's width is read once (and again on a resize): read after the ranking has changed, it would make
  // the browser lay out the whole page there and then.
  let matrixWidth = 0;
  function matrixLimit() {
    if (!matrixWidth) matrixWidth = $("matrix-scroll").clientWidth; // 0 while the overview is hidden
    const width = matrixWidth || 1200;
    return Math.max(8, Math.min(MATRIX_MAX, Math.floor((width - MATRIX_HEAD) / MATRIX_CELL)));
  }

  function renderMatrix() {
    const candidates = byWeight().filter((m) => !memberStats.has(m) || state.rowOk(m)); // a check's partner stays
    const { members, left } = matrixMembers(candidates, matrixLimit());
    const note = $("matrix-note");
    note.textContent = !DATA.pairs.length ? S.noPairs : left > 0 ? fmt(S.matrixLimited, { n: members.length, left }) : "";
    note.hidden = !note.textContent;
    const head = el("tr", null, el("th", { class: "corner" }));
    for (const m of members) {
      head.appendChild(el("th", { class: "col", scope: "col", data: { member: m }, title: m }, el("span", null, m)));
    }
    $("matrix").tHead.replaceChildren(head);
    // Cells are many (60 × 60): made with plain DOM calls, their links opened by one listener on the table.
    const rows = members.map((a) => {
      const tr = el("tr", { class: "matrix-row", data: { member: a } }, el("th", { class: "row", scope: "row" }, a));
      for (const b of members) {
        const info = a === b ? null : cells.get(a + "\u0000" + b);
        const td = document.createElement("td");
        td.dataset.a = a;
        td.dataset.b = b;
        td.dataset.share = info ? info.share : 0;
        if (!info) td.className = a === b ? "cell diag" : "cell empty";
        else {
          const tiny = info.share < 0.005;
          const colour = heat(info.share);
          td.className = "cell hit" + (colour.dark ? " dark" : "") + (tiny ? " tiny" : "");
          td.tabIndex = 0;
          td.setAttribute("role", "link");
          td.style.backgroundColor = colour.color;
          td.title = fmt(S.matrixCell, { a, b, chars: info.chars, share: pct(info.share), n: info.n });
          td.textContent = tiny ? "<1" : String(Math.round(100 * info.share));
        }
        tr.appendChild(td);
      }
      return tr;
    });
    $("matrix").style.width = MATRIX_HEAD + MATRIX_CELL * members.length + "px"; // fixed layout: nothing to measure
    $("matrix").tBodies[0].replaceChildren(...rows);
  }
  function openCell(ev) {
    const td = ev.target.closest("td.cell.hit");
    if (!td || (ev.type === "keydown" && ev.key !== "Enter" && ev.key !== " ")) return;
    ev.preventDefault();
    const info = cells.get(td.dataset.a + "\u0000" + td.dataset.b);
    const href = info && linkHref(info.link);
    if (href) location.hash = href;
  }

  function renderPairs() {
    const list = $("pairs");
    const shown = DATA.pairs.filter((p) => state.rowOk(p[0]) || state.rowOk(p[1]));
    list.replaceChildren(...shown.slice(0, LIST_MAX).map(([a, b, ca, cb, sa, sb, n, la]) =>
      el("li", { class: "pair", data: { a, b } }, el("a", { href: linkHref(la) }, a + " ↔ " + b),
        el("span", { class: "meta" }, fmt(S.pairLine, { charsA: ca + " (" + pct(sa) + ")",
          charsB: cb + " (" + pct(sb) + ")", n })))));
    if (!DATA.pairs.length) list.appendChild(el("li", { class: "empty" }, S.noPairs));
    $("pairs-note").textContent = fmt(S.pairsMore, { n: shown.length - LIST_MAX });
    $("pairs-note").hidden = shown.length <= LIST_MAX;
  }

  function renderGroups() {
    const list = $("groups");
    const shown = DATA.groups.filter((g) => g.members.some(state.rowOk));
    list.replaceChildren(...shown.slice(0, LIST_MAX).map((g) => {
      const li = el("li", { class: "group", tabindex: 0, role: "link", data: { members: g.members.join(",") } },
        el("div", { class: "group-members" }, g.members.map((m) => el("span", { class: "chip" }, m))),
        el("div", { class: "group-excerpt" }, "“" + g.excerpt + "”"),
        el("div", { class: "group-docs" }, fmt(S.groupPassages, { members: g.holders, n: g.passages })));
      onActivate(li, () => go({ doc: g.doc, at: g.start, to: g.end }));
      return li;
    }));
    if (!DATA.groups.length) list.appendChild(el("li", { class: "empty" }, S.noGroups));
    $("groups-note").textContent = fmt(S.groupsMore, { n: shown.length - LIST_MAX });
    $("groups-note").hidden = shown.length <= LIST_MAX;
  }

  function applyFilters() {
    const unit = $("filter-unit").value;
    const min = Math.max(0, Number.parseFloat($("filter-overlap").value) || 0) / 100;
    const query = $("filter-member").value.trim().toLowerCase();
    const unitOk = (u) => unit === "" || (unit === "/" ? u === "" : u === unit);
    const overlapOk = (share) => share + 1e-9 >= min;
    const verdicts = new Map();
    state.rowOk = (m) => {
      if (!verdicts.has(m)) {
        const st = memberStats.get(m);
        verdicts.set(m, !!st && [...st.units].some(unitOk) && m.toLowerCase().includes(query) && overlapOk(st.reuse));
      }
      return verdicts.get(m);
    };
    state.rows = docs.filter((d) => unitOk(d.unit) && d.member.toLowerCase().includes(query) && overlapOk(d.reuse));
    showRows(0);
    renderMatrix();
    renderPairs();
    renderGroups();
    $("filter-count").textContent = fmt(S.shown, { n: state.rows.length, total: docs.length });
  }

  // ---- document view

  let currentDoc = null;

  function renderDocument(id, at, to, sec) {
    currentDoc = id;
    const entry = STORE.get(id);
    const d = docById.get(id);
    const member = memberOf(id);
    $("doc-title").textContent = (member ? member + " · " : "") + id;
    const meta = $("doc-meta");
    const summary = $("doc-summary");
    const box = $("doc-text");
    summary.replaceChildren();
    box.replaceChildren();
    $("doc-print").hidden = !d;
    if (d) $("doc-print").href = hash({ print: "", member: d.member });
    if (!entry) {
      meta.textContent = "";
      $("doc-note").textContent = S.unknownDoc;
      return;
    }
    const text = codePoints(id);
    const n = text.length;
    if (d) {
      meta.textContent = docMeta(d);
      summary.appendChild(el("div", { class: "breakdown" }, sharesSummary(d)));
      const notes = integrityNotes(d);
      if (notes.length) summary.appendChild(el("p", { class: "integrity" }, S.integrityHint + notes.join(" · ")));
      summary.appendChild(sharesBar(d));
      summary.appendChild(legend());
      $("doc-note").textContent = S.docHint;
    } else {
      meta.textContent = member ? "" : S.templateSide;
      $("doc-note").textContent = S.notInReport;
    }

    const spans = entry.spans;
    const sections = entry.sections || entry.outline.map(([start, end, title]) => ({ title, start, end, level: 0 }));
    const clamp = (x) => Math.max(0, Math.min(n, x));
    const target = at === null ? null : [clamp(at), clamp(to === null || to <= at ? at + 1 : to)];

    // sections as a tree: each inside the innermost one open at its start, clipped to it
    const root = { start: 0, end: n, children: [] };
    const stack = [root];
    const ordered = [...sections].sort((x, y) => x.start - y.start || y.end - x.end || x.level - y.level);
    for (const s of ordered) {
      const start = clamp(s.start);
      while (stack.length > 1 && stack[stack.length - 1].end <= start) stack.pop();
      const parent = stack[stack.length - 1];
      const node = { start: Math.max(start, parent.start), end: Math.min(clamp(s.end), parent.end), children: [],
        section: s, level: d ? s.level : stack.length };
      if (node.end <= node.start) continue;
      parent.children.push(node);
      stack.push(node);
    }
    // segments: cut at every span, section and target boundary
    const cuts = new Set([0, n]);
    for (const s of spans) cuts.add(clamp(s.start)).add(clamp(s.end));
    const addCuts = (node) => { cuts.add(node.start).add(node.end); node.children.forEach(addCuts); };
    addCuts(root);
    if (target) cuts.add(target[0]).add(target[1]);
    const cutList = [...cuts].sort((x, y) => x - y);
    let cut = 0;
    let spanIndex = 0;
    const labelAt = (pos) => {
      while (spanIndex < spans.length && spans[spanIndex].end <= pos) spanIndex++;
      const s = spans[spanIndex];
      return s && s.start <= pos ? s.label : null;
    };
    const segment = (parent, start, end) => {
      const piece = text.slice(start, end).join("");
      const label = labelAt(start);
      const inTarget = target && start >= target[0] && end <= target[1];
      if (label) {
        const comparable = COMPARABLE.has(label);
        parent.appendChild(el("span", { class: "span span-" + label + (inTarget ? " target" : ""),
          data: { start, end, label }, title: S.labels[label] + (comparable ? " · " + S.clickToCompare : ""),
          tabindex: comparable ? 0 : null, role: comparable ? "button" : null }, piece));
      } else if (inTarget) {
        parent.appendChild(el("span", { class: "target", data: { start, end } }, piece));
      } else {
        parent.appendChild(document.createTextNode(piece));
      }
    };
    const range = (parent, start, end) => {
      while (cut < cutList.length && cutList[cut] <= start) cut++;
      let pos = start;
      while (pos < end) {
        const next = cut < cutList.length && cutList[cut] < end ? cutList[cut] : end;
        segment(parent, pos, next);
        pos = next;
        while (cut < cutList.length && cutList[cut] <= pos) cut++;
      }
    };
    const render = (container, node) => {
      let pos = node.start;
      for (const child of node.children) {
        range(container, pos, child.start);
        const s = child.section;
        const flagged = !!d && isFlagged(s);
        const head = el("div", { class: "section-head" }, el("span", { class: "section-title" }, s.title));
        if (d) {
          head.appendChild(sharesBar(s, "mini"));
          head.appendChild(el("span", { class: "section-pct" }, fmt(S.sectionOriginal, { p: pct(s.originality) })));
        }
        if (flagged) head.appendChild(el("span", { class: "badge-flag" }, S.flagged));
        const div = el("div", { class: "section" + (flagged ? " flagged" : ""),
          data: { title: s.title, level: child.level, start: child.start, end: child.end } }, head);
        render(div, child);
        container.appendChild(div);
        pos = child.end;
      }
      range(container, pos, node.end);
    };
    render(box, root);

    const focus = target ? box.querySelector(".target") :
      sec === null ? null : [...box.querySelectorAll(".section")].find((x) => x.dataset.start === String(sec));
    if (focus) focus.scrollIntoView({ block: target ? "center" : "start" });
    else window.scrollTo(0, 0);
  }

  function openSpan(span) {
    if (!span || !COMPARABLE.has(span.dataset.label)) return;
    go({ cmp: "", doc: currentDoc, s: span.dataset.start, e: span.dataset.end });
  }
  $("doc-text").addEventListener("click", (ev) => openSpan(ev.target.closest(".span")));
  $("doc-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      openSpan(ev.target.closest(".span"));
    }
  });


  // Which characters of a and b (arrays of code points) belong to a longest common subsequence. The common
  // prefix and suffix are taken first; a long middle is aligned within a diagonal band, and passages too long
  // even for that are left unmarked (complete: false).
  function diff(a, b) {
    const n = a.length, m = b.length;
    const sameA = new Uint8Array(n), sameB = new Uint8Array(m);
    let p = 0;
    while (p < n && p < m && a[p] === b[p]) { sameA[p] = 1; sameB[p] = 1; p++; }
    let q = 0;
    while (q < n - p && q < m - p && a[n - 1 - q] === b[m - 1 - q]) { sameA[n - 1 - q] = 1; sameB[m - 1 - q] = 1; q++; }
    const A = a.slice(p, n - q), B = b.slice(p, m - q);
    const N = A.length, M = B.length;
    if (!N || !M) return { sameA, sameB, complete: true };
    let w = M;
    if ((N + 1) * (M + 1) > DIFF_CELLS) {
      w = Math.floor(DIFF_CELLS / (N + 1) / 2);
      if (w < Math.abs(N - M) + 16) return { sameA: sameA.fill(1), sameB: sameB.fill(1), complete: false };
    }
    const W = Math.min(M + 1, 2 * w + 1);
    const lo = new Int32Array(N + 1);
    for (let i = 0; i <= N; i++) lo[i] = Math.max(0, Math.min(M + 1 - W, Math.round((i * M) / N) - w));
    const L = new Int32Array((N + 1) * W);
    const get = (i, j) => {
      const k = j - lo[i];
      if (k < 0 || k >= W) return i === 0 || j === 0 ? 0 : -1;
      return L[i * W + k];
    };
    for (let i = 1; i <= N; i++) {
      const base = i * W, ai = A[i - 1];
      for (let k = 0; k < W; k++) {
        const j = lo[i] + k;
        if (j === 0) continue;
        const diagonal = get(i - 1, j - 1);
        let v = ai === B[j - 1] && diagonal >= 0 ? diagonal + 1 : -1;
        v = Math.max(v, get(i - 1, j), k > 0 ? L[base + k - 1] : get(i, j - 1));
        L[base + k] = v;
      }
    }
    let i = N, j = M;
    while (i > 0 && j > 0) {
      const diagonal = get(i - 1, j - 1);
      if (A[i - 1] === B[j - 1] && diagonal >= 0 && get(i, j) === diagonal + 1) {
        sameA[p + i - 1] = 1;
        sameB[p + j - 1] = 1;
        i--;
        j--;
      } else if (get(i - 1, j) >= get(i, j - 1)) i--;
      else j--;
    }
    return { sameA, sameB, complete: true };
  }

  function marked(chars, same) {
    const out = el("span", { class: "passage-text" });
    let i = 0;
    while (i < chars.length) {
      let j = i;
      while (j < chars.length && same[j] === same[i]) j++;
      if (same[i]) out.appendChild(document.createTextNode(chars.slice(i, j).join("")));
      else {
        for (let x = i; x < j;) {
          const invisible = INVISIBLE.test(chars[x]);
          let y = x;
          while (y < j && INVISIBLE.test(chars[y]) === invisible) y++;
          const piece = chars.slice(x, y);
          const title = invisible ?
            piece.map((c) => "U+" + c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")).join(" ") : null;
          out.appendChild(el("mark", { class: "diff" + (invisible ? " invisible" : ""), title }, piece.join("")));
          x = y;
        }
      }
      i = j;
    }
    return out;
  }

  function sidePanel(which, side, kind, chars, same) {
    const member = memberOf(side.doc);
    const all = codePoints(side.doc);
    const before = all.slice(Math.max(0, side.start - 60), side.start).join("");
    const after = all.slice(side.end, side.end + 60).join("");
    const role = which === "this" ? S.thisSide : kind === "template" ? S.templateSide :
      kind === "self" ? S.selfSide : kind === "collective" ? S.collectiveSide : S.otherSide;
    const where = [fmt(S.where, { s: side.start, e: side.end }), sectionAt(side.doc, side.start)];
    const panel = el("div", { class: "side side-" + which + " kind-" + kind,
      data: { doc: side.doc, start: side.start, end: side.end } },
      el("div", { class: "side-head" }, el("span", { class: "side-role" }, role),
        el("strong", { class: "side-member" }, member || S.templateSide), el("span", { class: "side-doc" }, side.doc)),
      el("div", { class: "side-where" }, where.filter(Boolean).join(" · ")),
      el("div", { class: "passage" }, before ? el("span", { class: "context" }, "…" + before) : null,
        marked(chars, same), after ? el("span", { class: "context" }, after + "…") : null));
    if (which === "other" && docById.has(side.doc)) {
      panel.appendChild(el("a", { class: "open-partner", href: hash({ doc: side.doc, at: side.start, to: side.end }) },
        fmt(S.openPartner, { member: member || side.doc })));
    } else if (which === "other" && STORE.has(side.doc)) {
      panel.appendChild(el("a", { class: "open-source", href: hash({ doc: side.doc, at: side.start, to: side.end }) },
        S.openSource));
    }
    return panel;
  }

  function docMeta(d) {
    return [d.unit ? fmt(S.docUnit, { unit: d.unit }) : null, fmt(S.docChars, { chars: d.chars }),
      d.round ? fmt(S.docRound, { round: d.round }) : null].filter(Boolean).join(" · ");
  }

  // ---- side by side

  // The matches of document `id` (decoded) to offer for the passage s–e (or match `want`), best first, the one
  // to show, and how many were folded: a match that lies inside a longer one with the same other text is a
  // fragment of it, not another source.
  function compareChoice(id, want, s, e) {
    const all = [];
    for (const m of STORE.has(id) ? STORE.get(id).matches : []) {
      const overlap = s === null || e === null ? 0 : Math.min(e, m.mine.end) - Math.max(s, m.mine.start);
      if (overlap > 0 || String(m.k) === want) all.push(Object.assign({ overlap }, m));
    }
    const length = (c) => c.mine.end - c.mine.start;
    const inside = (c, o) => o !== c && o.other.doc === c.other.doc && o.mine.start <= c.mine.start &&
      c.mine.end <= o.mine.end && (length(o) > length(c) || o.k < c.k);
    const candidates = all.filter((c) => String(c.k) === want || !all.some((o) => inside(c, o)));
    candidates.sort((x, y) => y.overlap - x.overlap || y.similarity - x.similarity || x.k - y.k);
    const chosen = candidates.find((c) => String(c.k) === want) || candidates[0] || null;
    return { candidates, chosen, folded: all.length - candidates.length };
  }

  function renderCompare(params) {
    const id = params.get("doc");
    const s = toInt(params.get("s")), e = toInt(params.get("e"));
    const { candidates, chosen, folded } = compareChoice(id, params.get("cmp"), s, e);
    const back = $("sbs-back");
    back.textContent = fmt(S.backToDoc, { who: memberOf(id) || id });
    back.href = hash(chosen ? { doc: id, at: chosen.mine.start, to: chosen.mine.end } : { doc: id });
    const body = $("sbs-body");
    body.replaceChildren();
    if (!chosen) {
      body.appendChild(el("p", { class: "empty" }, S.noMatch));
      return;
    }
    body.appendChild(el("div", { class: "sbs-head" }, el("h2", null, S.sideBySide),
      el("span", { class: "kind-badge kind-" + chosen.kind }, S.kinds[chosen.kind] || chosen.kind),
      el("span", { class: "similarity" }, fmt(S.similarity, { p: pct(chosen.similarity) }))));
    if (candidates.length > 1) {
      body.appendChild(el("p", { class: "hint" }, S.choose));
      body.appendChild(el("ol", { class: "partners" }, candidates.map((c) => el("li", null,
        el("a", { class: "partner-choice" + (c === chosen ? " current" : ""),
          href: hash({ cmp: c.k, doc: id, s: s === null ? c.mine.start : s, e: e === null ? c.mine.end : e }) },
        [memberOf(c.other.doc) || S.templateSide, c.other.doc, S.kinds[c.kind] || c.kind,
          fmt(S.similarity, { p: pct(c.similarity) })].join(" · "))))));
    }
    if (folded) body.appendChild(el("p", { class: "hint folded" }, fmt(S.folded, { n: folded })));
    const a = codePoints(chosen.mine.doc).slice(chosen.mine.start, chosen.mine.end);
    const b = codePoints(chosen.other.doc).slice(chosen.other.start, chosen.other.end);
    const result = diff(a, b);
    body.appendChild(el("div", { class: "sides" }, sidePanel("this", chosen.mine, chosen.kind, a, result.sameA),
      sidePanel("other", chosen.other, chosen.kind, b, result.sameB)));
    body.appendChild(el("p", { class: "hint diff-note" }, result.complete ? S.diffNote : S.diffTooLong));
  }

  // ---- the printed report: one page per member (report.css's print rules), for a file

  function printMember(member) {
    const page = el("article", { class: "print-member", data: { member } },
      el("p", { class: "print-kicker" }, S.printTitle + " · " + PAGE.title),
      el("h2", { class: "print-name" }, member));
    const partners = [...(pairsOf.get(member) || [])].sort((x, y) => y.chars - x.chars).slice(0, 5);
    for (const d of (docsByMember.get(member) || []).slice(0, 2)) {
      const entry = STORE.get(d.id);
      page.appendChild(el("p", { class: "print-doc" }, d.id + " · " + docMeta(d)));
      page.appendChild(el("p", { class: "print-shares" }, sharesSummary(d)));
      page.appendChild(sharesBar(d));
      const sections = (entry && entry.sections ? entry.sections : d.sections).filter((x) => x.level === 1);
      if (sections.length) {
        page.appendChild(el("h3", null, S.printSections));
        page.appendChild(el("table", { class: "print-table" }, sections.slice(0, 8).map((x) => el("tr", null,
          el("td", null, short(x.title, 30)), el("td", { class: "num" }, pct(x.originality)),
          el("td", null, isFlagged(x) ? S.flagged : "")))));
      }
      const passages = entry ? entry.matches.filter((m) => COMPARABLE.has(m.kind))
        .sort((x, y) => (y.mine.end - y.mine.start) - (x.mine.end - x.mine.start) || x.k - y.k)
        .slice(0, PRINT_PASSAGES) : [];
      if (passages.length) {
        page.appendChild(el("h3", null, S.printPassages));
        page.appendChild(el("ol", { class: "print-passages" }, passages.map((m) => el("li", null,
          el("span", { class: "print-who" }, [S.kinds[m.kind] || m.kind, memberOf(m.other.doc) || m.other.doc,
            fmt(S.where, { s: m.mine.start, e: m.mine.end }), sectionAt(d.id, m.mine.start)].filter(Boolean).join(" · ")),
          el("span", { class: "print-excerpt" }, "“" + short(excerpt(d.id, m.mine.start, m.mine.end), 80) + "”")))));
      }
    }
    if (partners.length) {
      page.appendChild(el("h3", null, S.printPartners));
      page.appendChild(el("table", { class: "print-table" }, partners.map((p) => el("tr", null,
        el("td", null, p.partner), el("td", { class: "num" }, p.chars + " (" + pct(p.share) + ")"),
        el("td", { class: "num" }, fmt(S.passagesN, { n: p.n }))))));
    }
    page.appendChild(el("p", { class: "print-foot" }, fmt(S.printFoot, { t: pct(PAGE.threshold) })));
    return page;
  }

  async function renderPrint(params) {
    const members = params.has("member") ? [params.get("member")] : unique(state.rows.map((d) => d.member));
    $("print-note").textContent = fmt(S.printNote, { n: members.length });
    await need(members.flatMap((m) => (docsByMember.get(m) || []).map((d) => d.id)));
    return () => $("print-body").replaceChildren(...members.map(printMember));
  }

  // ---- navigation: #overview, #doc=ID[&at=START&to=END | &sec=START], #cmp=K&doc=ID&s=START&e=END,
  // #print[&member=NAME]. A view is drawn once the texts it needs are decoded; body[data-view] says which is done.

  const VIEWS = ["overview", "document", "side-by-side", "print"];
  let currentView = "overview";
  let overviewScroll = 0;
  let routing = 0; // the latest navigation: an earlier one still decoding draws nothing
  function show(view) {
    if (currentView === "overview" && view !== "overview") overviewScroll = window.scrollY;
    for (const v of VIEWS) $(v).hidden = v !== view;
    currentView = view;
  }
  async function route() {
    const token = ++routing;
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const view = params.has("print") ? "print" : params.has("doc") ? (params.has("cmp") ? "side-by-side" : "document") :
      "overview";
    document.body.dataset.busy = "";
    let draw;
    try {
      if (view === "side-by-side") {
        const id = params.get("doc");
        await need([id]);
        const { chosen } = compareChoice(id, params.get("cmp"), toInt(params.get("s")), toInt(params.get("e")));
        await need(chosen ? [chosen.other.doc] : []);
        draw = () => { currentDoc = id; renderCompare(params); window.scrollTo(0, 0); };
      } else if (view === "document") {
        await need([params.get("doc")]);
        draw = () => renderDocument(params.get("doc"), toInt(params.get("at")), toInt(params.get("to")),
          toInt(params.get("sec")));
      } else if (view === "print") {
        draw = await renderPrint(params);
      } else {
        const back = currentView !== "overview";
        draw = () => {
          if (!matrixWidth) renderMatrix(); // first drawn while hidden (the page opened on a document): width unknown
          if (back) window.scrollTo(0, overviewScroll);
        };
      }
    } catch (error) {
      draw = () => $(view === "print" ? "print-body" : view === "document" ? "doc-text" : "sbs-body")
        .replaceChildren(el("p", { class: "empty load-error" }, fmt(S.loadFailed, { why: error.message })));
    }
    if (token !== routing) return;
    show(view);
    draw();
    document.body.dataset.view = view;
    delete document.body.dataset.busy;
  }

  // Only under node (tests/test_html_script.py, whose sandbox has `module`): hand over the helpers, build no page.
  if (typeof module !== "undefined") {
    module.exports = { fmt, pct, hash, toInt, codePoints, excerpt, short, memberOf, sectionAt, isFlagged, unique,
      integrityNotes, sharesSummary, compareHref, linkHref, memberStats, heat, diff, remember, matrixMembers,
      compareChoice,
      docMeta };
    return;
  }

  buildOverview();
  applyFilters();
  window.addEventListener("hashchange", route);
  route().then(() => requestAnimationFrame(() => setTimeout(() => performance.mark("dupcheck-overview"))));
})();
