(() => {
  "use strict";

  const DATA = JSON.parse(document.getElementById("dupcheck-data").textContent);
  const R = DATA.report;
  const PAGE = DATA.page;
  const S = PAGE.strings;
  const LABELS = ["original", "reuse", "template", "boilerplate", "self", "collective"];
  const SHARE = { original: "originality", reuse: "reuse", template: "template", boilerplate: "boilerplate",
    self: "self", collective: "collective" };
  const COMPARABLE = new Set(["reuse", "template", "self", "collective"]);
  const OPTIONAL = new Set(["self", "collective"]); // shown only where a report has them
  const DIFF_CELLS = 4000000; // the largest LCS table (characters × characters) the page computes
  const MATRIX_MAX = 60; // with more members, the matrix lists only those who share text
  const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

  const docs = R.documents;
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
  // Offsets are Python string indices (code points); JS strings index UTF-16 units, so texts are split into
  // code points once and sliced as arrays.
  const codePointCache = new Map();
  function codePoints(id) {
    let chars = codePointCache.get(id);
    if (!chars) {
      chars = Array.from(DATA.texts[id] || "");
      codePointCache.set(id, chars);
    }
    return chars;
  }
  function excerpt(id, start, end) {
    return codePoints(id).slice(start, end).join("");
  }
  function short(text, limit) {
    const chars = Array.from(text.replace(/\s+/g, " ").trim());
    return chars.length <= limit ? chars.join("") : chars.slice(0, limit - 1).join("") + "…";
  }
  function memberOf(id) {
    const d = docById.get(id);
    return d ? d.member : DATA.members[id] || "";
  }
  function sectionAt(id, pos) {
    const d = docById.get(id);
    const outline = d ? d.sections.map((s) => [s.start, s.end, s.title]) : DATA.outlines[id] || [];
    let title = "";
    for (const [start, end, t] of outline) if (start <= pos && pos < end) title = t; // parents come first
    return title;
  }
  function isFlagged(section) {
    return section.chars > 0 && section.originality < PAGE.threshold;
  }
  function unique(items) {
    return [...new Set(items)];
  }
  // A document's integrity flags in the page's language ("hidden text removed: 7,442 characters").
  function integrityNotes(d) {
    return ((d && d.integrity) || []).map((f) =>
      fmt((S.integrity && S.integrity[f.flag]) || f.note, { n: Number(f.count).toLocaleString("en-US") }));
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
  const present = new Set(LABELS.filter((l) => docs.some((d) => d[SHARE[l]] > 0) || R.matches.some((m) => m.kind === l)));
  function legend() {
    return el("div", { class: "legend" }, LABELS.filter((l) => !OPTIONAL.has(l) || present.has(l)).map((l) =>
      el("span", { class: "key", title: S.labelHelp[l] }, el("i", { class: "swatch seg-" + l }), S.labels[l])));
  }

  // ---- matches

  function sidesOf(m, id) {
    if (m.a.doc === id) return [m.a, m.b];
    if (m.b.doc === id) return [m.b, m.a];
    return null;
  }
  function compareHref(k, mine) {
    return hash({ cmp: k, doc: mine.doc, s: mine.start, e: mine.end });
  }
  function firstMatchBetween(memberA, memberB) {
    for (let k = 0; k < R.matches.length; k++) {
      const m = R.matches[k];
      if (m.kind !== "reuse") continue;
      const ma = memberOf(m.a.doc), mb = memberOf(m.b.doc);
      if (ma === memberA && mb === memberB) return { k, mine: m.a };
      if (ma === memberB && mb === memberA) return { k, mine: m.b };
    }
    return null;
  }
  function firstMatchOf(id, partner) {
    for (let k = 0; k < R.matches.length; k++) {
      const sides = sidesOf(R.matches[k], id);
      if (sides && R.matches[k].kind === "reuse" && memberOf(sides[1].doc) === partner) return { k, mine: sides[0] };
    }
    return null;
  }

  // ---- overview

  const memberStats = new Map(); // member -> {units, reuse: the highest reuse share of their documents}
  for (const d of docs) {
    const st = memberStats.get(d.member) || { units: new Set(), reuse: 0 };
    st.units.add(d.unit);
    st.reuse = Math.max(st.reuse, d.reuse);
    memberStats.set(d.member, st);
  }
  const rankingRows = [];
  const matrixRows = [];
  const matrixColumns = []; // [member, cells of the column]
  const groupItems = []; // [li, members]
  const pairItems = []; // [li, members]

  function buildOverview() {
    document.title = PAGE.title;
    $("page-title").textContent = PAGE.title;
    $("summary").textContent = fmt(S.summary, { docs: docs.length, pairs: R.pairs.length, groups: R.groups.length,
      matches: R.matches.length });
    for (const node of document.querySelectorAll("[data-t]")) {
      node.textContent = fmt(S[node.dataset.t], { t: +(100 * PAGE.threshold).toFixed(1) + "%" });
    }
    $("filter-member").placeholder = S.filterMemberPlaceholder;
    $("ranking-legend").appendChild(legend());
    buildFilters();
    buildRanking();
    buildMatrix();
    buildPairs();
    buildGroups();
    if (R.errors.length) {
      $("errors-card").hidden = false;
      for (const e of R.errors) $("errors").appendChild(el("li", null, el("code", null, e.path), " — " + e.error));
    }
  }

  function buildFilters() {
    const select = $("filter-unit");
    select.appendChild(el("option", { value: "" }, S.allUnits));
    for (const unit of unique(docs.map((d) => d.unit)).sort()) {
      select.appendChild(el("option", { value: unit === "" ? "/" : unit }, unit === "" ? S.rootUnit : unit));
    }
    for (const id of ["filter-unit", "filter-overlap", "filter-member"]) {
      $(id).addEventListener("input", applyFilters);
      $(id).addEventListener("change", applyFilters);
    }
  }

  function buildRanking() {
    const headings = [S.colMember, S.colDoc, S.colOriginal, S.colShares, S.colPartner, S.colSections];
    $("ranking").tHead.appendChild(el("tr", null, headings.map((h, i) =>
      el("th", { scope: "col", class: i === 2 ? "num" : null }, h))));
    const body = $("ranking").tBodies[0];
    for (const d of docs) {
      let partner = S.none;
      if (d.top_partner) {
        const found = firstMatchOf(d.id, d.top_partner);
        const label = d.top_partner + " " + pct(d.top_partner_share);
        partner = el("a", { class: "top-partner", href: found ? compareHref(found.k, found.mine) : null }, label);
      }
      const sectionBars = d.sections.filter((s) => s.level === 1).map((s) => {
        const flagged = isFlagged(s);
        const title = s.title + " · " + fmt(S.sectionOriginal, { p: pct(s.originality) }) +
          (flagged ? " · " + S.flagged : "");
        return el("a", { class: "sec-bar" + (flagged ? " flagged" : ""), title, href: hash({ doc: d.id, sec: s.start }),
          data: { start: s.start, end: s.end } }, sharesBar(s, null, title));
      });
      const row = el("tr", { class: "doc-row", data: { doc: d.id, member: d.member, unit: d.unit } },
        el("td", { class: "member" }, d.member),
        el("td", { class: "doc" }, el("a", { class: "doc-link", href: hash({ doc: d.id }) }, d.id),
          integrityNotes(d).length ? el("div", { class: "integrity" }, integrityNotes(d).join(" · ")) : null),
        el("td", { class: "num original" + (d.originality < PAGE.threshold ? " low" : "") }, pct(d.originality)),
        el("td", { class: "shares" }, sharesBar(d)),
        el("td", { class: "partner" }, partner),
        el("td", { class: "sections" }, el("div", { class: "section-bars" }, sectionBars)));
      body.appendChild(row);
      rankingRows.push(row);
    }
  }

  function heat(share) {
    // white to vermillion; a share of 30 % or more is full colour
    const t = Math.min(1, share / 0.3);
    const f = 0.12 + 0.88 * t;
    const mix = (c) => Math.round(255 + (c - 255) * f);
    return { color: `rgb(${mix(0xd5)}, ${mix(0x5e)}, ${mix(0x00)})`, dark: t > 0.55 };
  }

  function buildMatrix() {
    const paired = new Set(R.pairs.flatMap((p) => p.members));
    let rows = unique(docs.map((d) => d.member));
    let cols = unique([...rows, ...R.pairs.flatMap((p) => p.members)]);
    if (cols.length > MATRIX_MAX) {
      rows = rows.filter((m) => paired.has(m));
      cols = cols.filter((m) => paired.has(m));
      $("matrix-note").textContent = fmt(S.matrixLimited, { n: cols.length });
      $("matrix-note").hidden = false;
    }
    if (!R.pairs.length) {
      $("matrix-note").textContent = S.noPairs;
      $("matrix-note").hidden = false;
    }
    const cells = new Map();
    for (const p of R.pairs) {
      const [a, b] = p.members;
      cells.set(a + "\u0000" + b, { share: p.shares[0], chars: p.chars[0], n: p.matches });
      cells.set(b + "\u0000" + a, { share: p.shares[1], chars: p.chars[1], n: p.matches });
    }
    const head = el("tr", null, el("th", { class: "corner" }));
    cols.forEach((m) => {
      const th = el("th", { class: "col", scope: "col", data: { member: m } }, m);
      head.appendChild(th);
      matrixColumns.push([m, [th]]);
    });
    $("matrix").tHead.appendChild(head);
    const body = $("matrix").tBodies[0];
    for (const a of rows) {
      const tr = el("tr", { class: "matrix-row", data: { member: a } }, el("th", { class: "row", scope: "row" }, a));
      cols.forEach((b, i) => {
        const info = a === b ? null : cells.get(a + "\u0000" + b);
        let td;
        if (a === b) td = el("td", { class: "cell diag", data: { a, b, share: 0 } });
        else if (!info) td = el("td", { class: "cell empty", data: { a, b, share: 0 } });
        else {
          const label = info.share > 0 && info.share < 0.005 ? "<1" : String(Math.round(100 * info.share));
          const title = fmt(S.matrixCell, { a, b, chars: info.chars, share: pct(info.share), n: info.n });
          const colour = heat(info.share);
          td = el("td", { class: "cell hit" + (colour.dark ? " dark" : ""), data: { a, b, share: info.share },
            title, tabindex: 0, role: "link", style: { backgroundColor: colour.color } }, label);
          const found = firstMatchBetween(a, b);
          if (found) {
            const open = () => { location.hash = compareHref(found.k, found.mine); };
            td.addEventListener("click", open);
            td.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") open(); });
          }
        }
        tr.appendChild(td);
        matrixColumns[i][1].push(td);
      });
      body.appendChild(tr);
      matrixRows.push(tr);
    }
  }

  function buildPairs() {
    const list = $("pairs");
    const shown = R.pairs.slice(0, 30);
    for (const p of shown) {
      const [a, b] = p.members;
      const found = firstMatchBetween(a, b);
      const li = el("li", { class: "pair", data: { a, b } },
        el("a", { href: found ? compareHref(found.k, found.mine) : null }, a + " ↔ " + b),
        el("span", { class: "meta" }, fmt(S.pairLine, { charsA: p.chars[0] + " (" + pct(p.shares[0]) + ")",
          charsB: p.chars[1] + " (" + pct(p.shares[1]) + ")", n: p.matches })));
      list.appendChild(li);
      pairItems.push([li, p.members]);
    }
    if (!R.pairs.length) list.appendChild(el("li", { class: "empty" }, S.noPairs));
    if (R.pairs.length > shown.length) {
      $("pairs-note").textContent = fmt(S.pairsMore, { n: R.pairs.length - shown.length });
      $("pairs-note").hidden = false;
    }
  }

  function buildGroups() {
    const list = $("groups");
    for (const g of R.groups) {
      const first = g.passages.find((p) => memberOf(p.doc) === g.members[0]) || g.passages[0];
      const open = () => go({ doc: first.doc, at: first.start, to: first.end });
      const li = el("li", { class: "group", tabindex: 0, role: "link", data: { members: g.members.join(",") } },
        el("div", { class: "group-members" }, g.members.map((m) => el("span", { class: "chip" }, m))),
        el("div", { class: "group-excerpt" }, "“" + short(excerpt(first.doc, first.start, first.end), 90) + "”"),
        el("div", { class: "group-docs" }, fmt(S.groupPassages, { n: g.passages.length })));
      li.addEventListener("click", open);
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") open(); });
      list.appendChild(li);
      groupItems.push([li, g.members]);
    }
    if (!R.groups.length) list.appendChild(el("li", { class: "empty" }, S.noGroups));
  }

  function applyFilters() {
    const unit = $("filter-unit").value;
    const min = Math.max(0, Number.parseFloat($("filter-overlap").value) || 0) / 100;
    const query = $("filter-member").value.trim().toLowerCase();
    const unitOk = (u) => unit === "" || (unit === "/" ? u === "" : u === unit);
    const overlapOk = (share) => share + 1e-9 >= min;
    const rowOk = (m) => {
      const st = memberStats.get(m);
      return !!st && [...st.units].some(unitOk) && m.toLowerCase().includes(query) && overlapOk(st.reuse);
    };
    let shown = 0;
    for (const tr of rankingRows) {
      const d = docById.get(tr.dataset.doc);
      const ok = unitOk(d.unit) && d.member.toLowerCase().includes(query) && overlapOk(d.reuse);
      tr.hidden = !ok;
      if (ok) shown++;
    }
    for (const tr of matrixRows) tr.hidden = !rowOk(tr.dataset.member);
    for (const [m, cells] of matrixColumns) {
      const st = memberStats.get(m);
      const hide = !!st && !overlapOk(st.reuse); // a partner without a document here (a check) stays
      for (const cell of cells) cell.hidden = hide;
    }
    for (const [li, members] of [...groupItems, ...pairItems]) li.hidden = !members.some(rowOk);
    $("filter-count").textContent = fmt(S.shown, { n: shown, total: docs.length });
  }

  // ---- document view

  let currentDoc = null;

  function renderDocument(id, at, to, sec) {
    currentDoc = id;
    const d = docById.get(id);
    const member = memberOf(id);
    $("doc-title").textContent = (member ? member + " · " : "") + id;
    const meta = $("doc-meta");
    const summary = $("doc-summary");
    const box = $("doc-text");
    summary.replaceChildren();
    box.replaceChildren();
    if (!(id in DATA.texts)) {
      meta.textContent = "";
      $("doc-note").textContent = S.unknownDoc;
      return;
    }
    const text = codePoints(id);
    const n = text.length;
    if (d) {
      meta.textContent = fmt(S.docMeta, { unit: d.unit || S.rootUnit, chars: d.chars }) +
        (d.round ? " · " + fmt(S.docRound, { round: d.round }) : "");
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

    const spans = d ? d.spans : [];
    const sections = d ? d.sections :
      (DATA.outlines[id] || []).map(([start, end, title]) => ({ title, start, end, level: 0 }));
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

  // ---- side by side

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
    } else if (which === "other" && side.doc in DATA.texts) {
      panel.appendChild(el("a", { class: "open-source", href: hash({ doc: side.doc, at: side.start, to: side.end }) },
        S.openSource));
    }
    return panel;
  }

  function renderCompare(params) {
    const id = params.get("doc");
    const want = params.get("cmp");
    const s = toInt(params.get("s")), e = toInt(params.get("e"));
    const candidates = [];
    R.matches.forEach((m, k) => {
      const sides = sidesOf(m, id);
      if (!sides) return;
      const overlap = s === null || e === null ? 0 : Math.min(e, sides[0].end) - Math.max(s, sides[0].start);
      if (overlap > 0 || String(k) === want) candidates.push({ k, m, mine: sides[0], other: sides[1], overlap });
    });
    candidates.sort((x, y) => y.overlap - x.overlap || y.m.similarity - x.m.similarity || x.k - y.k);
    const chosen = candidates.find((c) => String(c.k) === want) || candidates[0];
    const back = $("sbs-back");
    back.textContent = fmt(S.backToDoc, { who: memberOf(id) || id });
    back.href = hash(chosen ? { doc: id, at: chosen.mine.start, to: chosen.mine.end } : { doc: id });
    const body = $("sbs-body");
    body.replaceChildren();
    if (!chosen) {
      body.appendChild(el("p", { class: "empty" }, S.noMatch));
      return;
    }
    const m = chosen.m;
    body.appendChild(el("div", { class: "sbs-head" }, el("h2", null, S.sideBySide),
      el("span", { class: "kind-badge kind-" + m.kind }, S.kinds[m.kind] || m.kind),
      el("span", { class: "similarity" }, fmt(S.similarity, { p: pct(m.similarity) }))));
    if (candidates.length > 1) {
      body.appendChild(el("p", { class: "hint" }, S.choose));
      body.appendChild(el("ol", { class: "partners" }, candidates.map((c) => el("li", null,
        el("a", { class: "partner-choice" + (c === chosen ? " current" : ""),
          href: hash({ cmp: c.k, doc: id, s: s === null ? c.mine.start : s, e: e === null ? c.mine.end : e }) },
        [memberOf(c.other.doc) || S.templateSide, c.other.doc, S.kinds[c.m.kind] || c.m.kind,
          fmt(S.similarity, { p: pct(c.m.similarity) })].join(" · "))))));
    }
    const a = codePoints(chosen.mine.doc).slice(chosen.mine.start, chosen.mine.end);
    const b = codePoints(chosen.other.doc).slice(chosen.other.start, chosen.other.end);
    const result = diff(a, b);
    body.appendChild(el("div", { class: "sides" }, sidePanel("this", chosen.mine, m.kind, a, result.sameA),
      sidePanel("other", chosen.other, m.kind, b, result.sameB)));
    body.appendChild(el("p", { class: "hint diff-note" }, result.complete ? S.diffNote : S.diffTooLong));
  }

  // ---- navigation: #overview, #doc=ID[&at=START&to=END | &sec=START], #cmp=K&doc=ID&s=START&e=END

  const VIEWS = ["overview", "document", "side-by-side"];
  let currentView = "overview";
  let overviewScroll = 0;
  function show(view) {
    if (currentView === "overview" && view !== "overview") overviewScroll = window.scrollY;
    for (const v of VIEWS) $(v).hidden = v !== view;
    currentView = view;
  }
  function route() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.has("cmp") && params.has("doc")) {
      show("side-by-side");
      currentDoc = params.get("doc");
      renderCompare(params);
      window.scrollTo(0, 0);
    } else if (params.has("doc")) {
      show("document");
      renderDocument(params.get("doc"), toInt(params.get("at")), toInt(params.get("to")), toInt(params.get("sec")));
    } else {
      const back = currentView !== "overview";
      show("overview");
      if (back) window.scrollTo(0, overviewScroll);
    }
  }

  // Only under node (tests/test_html_script.py, whose sandbox has `module`): hand over the helpers, build no page.
  if (typeof module !== "undefined") {
    module.exports = { fmt, pct, hash, toInt, codePoints, excerpt, short, memberOf, sectionAt, isFlagged, unique,
      integrityNotes, sharesSummary, sidesOf, compareHref, firstMatchBetween, firstMatchOf, memberStats, heat, diff };
    return;
  }

  buildOverview();
  applyFilters();
  window.addEventListener("hashchange", route);
  route();
})();
