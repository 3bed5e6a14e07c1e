
"use strict";
// The graph explorer. Every text that comes from the data is put in the page with textContent
// (never innerHTML), so a label that holds markup shows as text; the page's CSP forbids
// inline handlers and every script but this one and vis-network anyway.
(function () {
  const DATA = JSON.parse(document.getElementById("graph-data").textContent);
  // Tables (see graph/exports/html.py): terms [name, zh, en, symbol]; classes [term, colour, shape, count];
  // sections [code, zh, en]; evidence [quote, section]; entities [iri, zh, en, aliases, class];
  // facts [subject, property, value, evidence[], unit, approximation, qualifiers[[property, value]]];
  // a value is an entity index (number), a string, [text, language] or {"term": index}.
  const UI = {
    zh: {
      search: "搜索名称或别名（中文或英文）", classes: "类别", property: "属性", allProperties: "全部属性",
      event: "事件", allEvents: "全部事件", intro: "导语", eventN: "第{n}件大事", neighbourhood: "邻域",
      onlyAround: "只显示选中节点周围", hops: "跳以内", reset: "重置", exportPng: "导出 PNG", otherLang: "English",
      status: "显示 {v} / {n} 个节点，{e} / {m} 条关系", noMatch: "没有匹配的节点", close: "关闭",
      type: "类型", aliases: "别名", events: "事件", iri: "IRI", facts: "事实", untyped: "未分类",
      incoming: "{p}（指向此节点）", link: "关系", hint: "点击节点或关系查看事实与原文。",
      selectFirst: "请先选择一个节点。", cleared: "已清除筛选，以显示所选节点。",
      large: "大图：{n} 个节点。位置已在构建时算好，缩小时不画标签，拖动时隐藏连线。", png: "知识图谱.png",
      colourBy: "着色", byClass: "按类别", byCommunity: "按社区（Louvain）", ranking: "核心实体（PageRank）",
      community: "社区", path: "路径", pathFrom: "从选中节点出发", pathClear: "清除路径",
      pathPick: "起点：{a}。再选择终点。", pathNone: "{a} 与 {b} 之间没有路径。", pathOf: "{a} → {b}：{n} 跳",
      pathHint: "选中一个节点，点“从选中节点出发”，再选另一个节点。"
    },
    en: {
      search: "Search names or aliases (Chinese or English)", classes: "Classes", property: "Property",
      allProperties: "All properties", event: "Event", allEvents: "All events", intro: "Introduction",
      eventN: "Event {n}", neighbourhood: "Neighbourhood", onlyAround: "Only around the selection", hops: "hops",
      reset: "Reset", exportPng: "Export PNG", otherLang: "中文", status: "Showing {v} of {n} nodes, {e} of {m} links",
      noMatch: "No matching node", close: "Close", type: "Type", aliases: "Aliases", events: "Events", iri: "IRI",
      facts: "Facts", untyped: "untyped", incoming: "{p} (pointing here)", link: "Link",
      hint: "Click a node or a link to read its facts and their sentences.", selectFirst: "Select a node first.",
      cleared: "Filters were cleared to show the selected node.",
      large: "Large graph: {n} nodes. Positions were computed at build time; labels are not drawn when zoomed out and links hide while moving.",
      png: "knowledge-graph.png", colourBy: "Colour", byClass: "By class", byCommunity: "By community (Louvain)",
      ranking: "Most central (PageRank)", community: "Community", path: "Path", pathFrom: "From the selection",
      pathClear: "Clear path", pathPick: "From: {a}. Now select the other end.", pathNone: "No path joins {a} and {b}.",
      pathOf: "{a} → {b}: {n} hop(s)", pathHint: "Select a node, press “From the selection”, then select another node."
    }
  };
  const NAME_PROPERTIES = new Set(["rdf:type", "rdfs:label", "skos:altLabel"]);
  const terms = DATA.terms, classes = DATA.classes, sections = DATA.sections, evidence = DATA.evidence;
  const entities = DATA.entities, facts = DATA.facts;
  const N = entities.length;
  let lang = "zh";
  let note = "";

  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  };
  const ui = (key, values) => {
    let text = UI[lang][key];
    for (const name in values || {}) text = text.split("{" + name + "}").join(String(values[name]));
    return text;
  };
  // a zh/en pair in the current language, falling back to the other one, then to a fallback
  const pick = (zh, en, fallback) => (lang === "zh" ? zh || en : en || zh) || fallback || "";
  const termLabel = (i) => (i < 0 ? ui("untyped") : pick(terms[i][1], terms[i][2], terms[i][0]));
  const entityLabel = (i) => pick(entities[i][1], entities[i][2], entities[i][0].replace(/^.*\//, ""));
  const sectionLabel = (i) => {
    const [code, zh, en] = sections[i];
    const number = /^event-(\d+)$/.exec(code);
    const base = code === "intro" ? ui("intro") : number ? ui("eventN", { n: number[1] }) : code;
    const title = pick(zh, en, "");
    return title ? base + " · " + title : base;
  };
  const sectionShort = (i) => {
    const number = /^event-(\d+)$/.exec(sections[i][0]);
    return sections[i][0] === "intro" ? ui("intro") : number ? ui("eventN", { n: number[1] }) : sections[i][0];
  };

  // ---------------------------------------------------------------- derived indexes
  const factEntities = facts.map((f) => {
    const found = [f[0]];
    if (typeof f[2] === "number") found.push(f[2]);
    for (const q of f[6]) if (typeof q[1] === "number") found.push(q[1]);
    return Array.from(new Set(found));
  });
  const factSections = facts.map((f) => Array.from(new Set(f[3].map((e) => evidence[e][1]))));
  const outgoing = Array.from({ length: N }, () => []);
  const incoming = Array.from({ length: N }, () => []); // [fact, property it is reached through]
  facts.forEach((f, i) => {
    outgoing[f[0]].push(i);
    if (typeof f[2] === "number") incoming[f[2]].push([i, f[1]]);
    for (const q of f[6]) if (typeof q[1] === "number") incoming[q[1]].push([i, q[0]]);
  });
  const entitySections = Array.from({ length: N }, () => new Set());
  factEntities.forEach((list, i) => { for (const e of list) for (const s of factSections[i]) entitySections[e].add(s); });
  const searchText = entities.map((e) => [e[1], e[2], ...e[3]].join("\n").toLowerCase());

  // ---------------------------------------------------------------- the network
  const large = DATA.meta.large;
  const wrap = (text) => {
    // CJK labels have no spaces to break at: cut them into lines of 10 characters, at most 3 lines
    const chars = Array.from(text);
    const cjk = /[\u3000-\u9fff\uf900-\ufaff]/.test(text);
    const width = cjk ? 10 : 24;
    if (chars.length <= width) return text;
    const lines = [];
    if (cjk) {
      for (let i = 0; i < chars.length; i += width) lines.push(chars.slice(i, i + width).join(""));
    } else {
      let line = "";
      for (const word of text.split(/\s+/)) {
        if (line && (line + " " + word).length > width) { lines.push(line); line = word; } else line = line ? line + " " + word : word;
      }
      if (line) lines.push(line);
    }
    return lines.length > 3 ? lines.slice(0, 3).join("\n") + "…" : lines.join("\n");
  };
  const groups = {};
  classes.forEach((c, i) => { groups["c" + i] = { color: { background: c[1], border: shade(c[1]), highlight: { background: c[1], border: "#111" } }, shape: c[2] }; });
  const nodes = new vis.DataSet(DATA.nodes.map((n) => Object.assign({}, n, { label: wrap(entityLabel(n.id)) })));
  const edges = new vis.DataSet(DATA.edges.map((e) => Object.assign({}, e, { label: termLabel(facts[e.fact][1]) })));
  const container = $("graph");
  const network = new vis.Network(container, { nodes, edges }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    groups,
    interaction: { hover: !large, hideEdgesOnDrag: large, hideEdgesOnZoom: large, tooltipDelay: 200, multiselect: false, keyboard: false },
    nodes: {
      borderWidth: 1, font: { size: 14, face: "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif", color: "#1d2733", strokeWidth: 3, strokeColor: "#ffffff" },
      // PageRank sets each node's value: important nodes are bigger and keep a readable label zoomed out
      scaling: { min: 10, max: 36, label: { enabled: true, min: 12, max: 22, maxVisible: 22, drawThreshold: large ? 9 : 6 } }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } }, smooth: false, width: 1, selectionWidth: 2,
      color: { color: "#a7b1bd", highlight: "#1f6feb", hover: "#59636e" },
      font: { size: 10, color: "#4a5563", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" }
    }
  });
  // a white background, so that the exported PNG is not transparent
  network.on("beforeDrawing", (ctx) => {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });

  function shade(hex) {
    const n = parseInt(hex.slice(1), 16);
    const f = (v) => Math.max(0, Math.round(v * 0.7)).toString(16).padStart(2, "0");
    return "#" + f(n >> 16) + f((n >> 8) & 255) + f(n & 255);
  }

  // ---------------------------------------------------------------- filters and view
  const state = { hiddenClasses: new Set(), property: -1, section: -1, hood: false, hops: 2, selected: null, pathFrom: null, colour: "class" };
  const nodeShown = new Uint8Array(N).fill(1);
  const edgeShown = new Uint8Array(DATA.edges.length).fill(1);
  const adjacency = Array.from({ length: N }, () => []);
  for (const e of DATA.edges) { adjacency[e.from].push(e.to); adjacency[e.to].push(e.from); }

  function factPasses(i) {
    return (state.property < 0 || facts[i][1] === state.property) && (state.section < 0 || factSections[i].includes(state.section));
  }
  function neighbourhood(start, hops) {
    const seen = new Set([start]);
    let frontier = [start];
    for (let d = 0; d < hops && frontier.length; d++) {
      const next = [];
      for (const n of frontier) for (const m of adjacency[n]) if (!seen.has(m)) { seen.add(m); next.push(m); }
      frontier = next;
    }
    return seen;
  }
  function applyView() {
    let wanted;
    if (state.property >= 0 || state.section >= 0) {
      wanted = new Uint8Array(N);
      for (let i = 0; i < facts.length; i++) if (factPasses(i)) for (const e of factEntities[i]) wanted[e] = 1;
    } else wanted = new Uint8Array(N).fill(1);
    const around = state.hood && state.selected !== null ? neighbourhood(state.selected, state.hops) : null;
    const nodeChanges = [], edgeChanges = [];
    let visibleNodes = 0, visibleEdges = 0;
    for (let i = 0; i < N; i++) {
      const show = wanted[i] && !state.hiddenClasses.has(entities[i][4]) && (!around || around.has(i)) ? 1 : 0;
      if (show !== nodeShown[i]) { nodeShown[i] = show; nodeChanges.push({ id: i, hidden: !show }); }
      visibleNodes += show;
    }
    DATA.edges.forEach((e, j) => {
      const show = nodeShown[e.from] && nodeShown[e.to] && factPasses(e.fact) ? 1 : 0;
      if (show !== edgeShown[j]) { edgeShown[j] = show; edgeChanges.push({ id: e.id, hidden: !show }); }
      visibleEdges += show;
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    state.counts = [visibleNodes, visibleEdges];
    showStatus();
    // after every filter that changes what is shown, fit the view to it (the neighbourhood fits itself)
    if (nodeChanges.length && !state.hood && visibleNodes) fitFree(entities.map((_, i) => i).filter((i) => nodeShown[i]));
  }
  function showStatus() {
    const [v, e] = state.counts || [N, DATA.edges.length];
    $("status").textContent = ui("status", { v, n: N, e, m: DATA.edges.length });
    $("note").textContent = note || (large ? ui("large", { n: N }) : "");
  }
  function fitFree(ids) {
    // fit these nodes into the part of the canvas that the side panel leaves free
    network.fit({ nodes: ids, animation: false });
    const covered = $("panel").hidden ? 0 : Math.min($("panel").offsetWidth, container.clientWidth / 2);
    if (covered) {
      const share = (container.clientWidth - covered) / container.clientWidth;
      network.moveTo({ position: network.getViewPosition(), scale: network.getScale() * share, offset: { x: -covered / 2, y: 0 }, animation: false });
    }
  }
  function clearFilters() {
    state.hiddenClasses.clear();
    state.property = -1;
    state.section = -1;
    state.hood = false;
    $("property").value = "";
    $("event").value = "";
    $("hood").checked = false;
    renderLegend();
  }

  // ---------------------------------------------------------------- selection and the side panel
  function select(i, options) {
    if (!nodeShown[i]) { clearFilters(); note = ui("cleared"); }
    state.selected = i;
    if (state.hood) applyView(); else if (!nodeShown[i]) applyView();
    network.selectNodes([i]);
    if (options && options.focus) {
      // centre the node in the part of the canvas that the side panel leaves free
      const offset = { x: -Math.min($("panel").offsetWidth || 380, container.clientWidth / 2) / 2, y: 0 };
      network.focus(i, { scale: Math.max(network.getScale(), large ? 1.2 : 1), offset, animation: large ? false : { duration: 300, easingFunction: "easeInOutQuad" } });
    }
    if (state.pathFrom !== null && state.pathFrom !== i) { showPath(state.pathFrom, i); state.pathFrom = null; showPathHint(); }
    else showNode(i);
    showStatus();
  }
  function entityButton(i) {
    const button = el("button", entityLabel(i), "link");
    button.type = "button";
    button.addEventListener("click", () => select(i, { focus: true }));
    return button;
  }
  function valueNode(value, fact) {
    if (typeof value === "number") return entityButton(value);
    const span = el("span", null, "value");
    if (value !== null && typeof value === "object" && "term" in value) {
      span.textContent = termLabel(value.term);
      return span;
    }
    const number = value !== null && typeof value === "object" && "number" in value;
    const [text, language] = number ? [formatNumber(value.number), ""] : Array.isArray(value) ? value : [value, ""];
    const gap = lang === "zh" ? "" : " ";
    let shown = text;
    if (fact) {
      if (fact[5] >= 0) shown = termLabel(fact[5]) + gap + shown;
      if (fact[4] >= 0) shown = shown + (terms[fact[4]][3] || gap + termLabel(fact[4]));
    }
    span.textContent = shown;
    if (language) span.appendChild(el("span", language, "tag"));
    return span;
  }
  function formatNumber(text) {
    // 1000亿 in Chinese, 100,000,000,000 in English; the figure itself is never rounded
    if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return text;
    const n = Number(text);
    if (lang === "zh") {
      for (const [size, name] of [[1e12, "万亿"], [1e8, "亿"], [1e4, "万"]]) {
        const scaled = n / size;
        if (Math.abs(n) >= size && Math.abs(scaled * 100 - Math.round(scaled * 100)) < 1e-6) return String(Math.round(scaled * 100) / 100) + name;
      }
      return text;
    }
    return Math.abs(n) >= 1e4 && Number.isSafeInteger(n) ? n.toLocaleString("en-US") : text;
  }
  function evidenceList(fact) {
    const list = document.createDocumentFragment();
    for (const e of fact[3]) {
      const quote = el("blockquote", evidence[e][0]);
      quote.appendChild(el("span", sectionShort(evidence[e][1]), "tag"));
      list.appendChild(quote);
    }
    return list;
  }
  function factItem(i, lead) {
    const fact = facts[i];
    const item = el("li", null, "fact");
    if (lead !== null) { // null: the heading above already says what the fact is
      const line = el("div");
      line.appendChild(lead || valueNode(fact[2], fact));
      item.appendChild(line);
    }
    for (const [property, value] of fact[6]) {
      const q = el("div", termLabel(property) + ": ", "qualifier");
      q.appendChild(valueNode(value, null));
      item.appendChild(q);
    }
    item.appendChild(evidenceList(fact));
    return item;
  }
  function openPanel(heading, subheading) {
    const details = $("details");
    details.replaceChildren(el("h2", heading));
    if (subheading) details.appendChild(el("p", subheading, "sub"));
    $("panel").hidden = false;
    return details;
  }
  function showNode(i) {
    state.panel = ["node", i];
    const [iri, zh, en, aliases, cls] = entities[i];
    const main = entityLabel(i);
    const other = lang === "zh" ? en : zh;
    const details = openPanel(main, other && other !== main ? other : "");
    const dl = el("dl");
    const row = (name, value) => { dl.appendChild(el("dt", name)); dl.appendChild(value instanceof Node ? value : el("dd", value)); };
    row(ui("type"), cls < 0 ? ui("untyped") : termLabel(classes[cls][0]));
    if (aliases.length) row(ui("aliases"), aliases.join("、"));
    const secs = Array.from(entitySections[i]).sort((a, b) => a - b).map(sectionShort);
    if (secs.length) row(ui("events"), secs.join("、"));
    row(ui("iri"), iri);
    details.appendChild(dl);
    // facts grouped by property: its own facts first, then the facts that point to it; names last
    const groupsOut = new Map(), groupsIn = new Map();
    for (const f of outgoing[i]) { const p = facts[f][1]; if (!groupsOut.has(p)) groupsOut.set(p, []); groupsOut.get(p).push(f); }
    for (const [f, p] of incoming[i]) { if (!groupsIn.has(p)) groupsIn.set(p, []); groupsIn.get(p).push(f); }
    const order = (map) => Array.from(map.keys()).sort((a, b) =>
      (NAME_PROPERTIES.has(terms[a][0]) - NAME_PROPERTIES.has(terms[b][0])) || termLabel(a).localeCompare(termLabel(b)));
    details.appendChild(el("h3", ui("facts")));
    for (const p of order(groupsOut)) {
      const list = el("ul");
      for (const f of groupsOut.get(p)) list.appendChild(factItem(f));
      details.appendChild(el("h3", termLabel(p), "group"));
      details.appendChild(list);
    }
    for (const p of order(groupsIn)) {
      const list = el("ul");
      for (const f of groupsIn.get(p)) {
        const lead = el("span");
        lead.appendChild(entityButton(facts[f][0]));
        if (facts[f][1] !== p) { // reached through a qualifier: say which fact it qualifies
          lead.appendChild(el("span", termLabel(facts[f][1]), "arrow"));
          lead.appendChild(valueNode(facts[f][2], facts[f]));
        }
        list.appendChild(factItem(f, lead));
      }
      details.appendChild(el("h3", ui("incoming", { p: termLabel(p) }), "group"));
      details.appendChild(list);
    }
  }
  function showEdge(edgeId) {
    const edge = edges.get(edgeId);
    state.panel = ["edge", edgeId];
    const fact = facts[edge.fact];
    const details = openPanel(termLabel(fact[1]), ui("link"));
    const line = el("p");
    line.appendChild(entityButton(edge.from));
    line.appendChild(el("span", "→", "arrow"));
    line.appendChild(entityButton(edge.to));
    details.appendChild(line);
    const list = el("ul");
    list.appendChild(factItem(edge.fact, null));
    details.appendChild(list);
  }
  function closePanel() { $("panel").hidden = true; state.panel = null; }
  network.on("click", (params) => {
    note = "";
    if (params.nodes.length) select(params.nodes[0], { focus: false });
    else if (params.edges.length) { showEdge(params.edges[0]); }
    else { state.selected = null; closePanel(); if (state.hood) applyView(); showStatus(); }
  });

  // ---------------------------------------------------------------- paths, communities, ranking
  // a shortest path over the links read both ways (breadth first), as `kg path` finds one
  function shortestPath(a, b) {
    const before = new Map([[a, -1]]);
    let frontier = [a];
    while (frontier.length && !before.has(b)) {
      const next = [];
      for (const n of frontier) for (const m of adjacency[n]) if (!before.has(m)) { before.set(m, n); next.push(m); }
      frontier = next;
    }
    if (!before.has(b)) return null;
    const path = [b];
    while (path[0] !== a) path.unshift(before.get(path[0]));
    return path;
  }
  function showPath(a, b) {
    const path = shortestPath(a, b);
    openPanel(entityLabel(a) + " → " + entityLabel(b), path ? ui("pathOf", { a: entityLabel(a), b: entityLabel(b), n: path.length - 1 }) : ui("pathNone", { a: entityLabel(a), b: entityLabel(b) }));
    state.panel = null;
    if (!path) return;
    const hopEdges = [];
    const list = el("ol", null, "path");
    for (let k = 0; k + 1 < path.length; k++) {
      const [x, y] = [path[k], path[k + 1]];
      const between = DATA.edges.filter((e) => (e.from === x && e.to === y) || (e.from === y && e.to === x));
      for (const e of between) {
        hopEdges.push(e.id);
        const lead = el("span");
        lead.appendChild(entityButton(e.from));
        lead.appendChild(el("span", "— " + termLabel(facts[e.fact][1]) + " →", "arrow"));
        lead.appendChild(entityButton(e.to));
        list.appendChild(factItem(e.fact, lead));
      }
    }
    $("details").appendChild(list);
    network.setSelection({ nodes: path, edges: hopEdges }, { highlightEdges: false });
    state.path = { nodes: path, edges: hopEdges };
  }
  function showPathHint() {
    $("path-hint").textContent = state.pathFrom !== null ? ui("pathPick", { a: entityLabel(state.pathFrom) }) : ui("pathHint");
  }
  $("path-start").addEventListener("click", () => {
    if (state.selected === null) { note = ui("selectFirst"); showStatus(); return; }
    state.pathFrom = state.selected;
    showPathHint();
  });
  $("path-clear").addEventListener("click", () => { state.pathFrom = null; state.path = null; network.unselectAll(); showPathHint(); });
  const analysis = DATA.analysis || {};
  const COMMUNITY_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac"];
  if (analysis.community) {
    COMMUNITY_COLOURS.forEach((c, k) => { groups["k" + k] = { color: { background: c, border: shade(c), highlight: { background: c, border: "#111" } } }; });
    groups.kNone = { color: { background: "#e4e7eb", border: "#9aa3ad", highlight: { background: "#e4e7eb", border: "#111" } } };
    network.setOptions({ groups });
  }
  function communityGroup(i) {
    const c = analysis.community[i];
    // communities are numbered largest first; one of a single entity is grey
    const size = analysis.community.filter((x) => x === c).length;
    return c < 0 || size < 2 ? "kNone" : "k" + (c % COMMUNITY_COLOURS.length);
  }
  function applyColour() {
    if (!analysis.community) return;
    nodes.update(DATA.nodes.map((n) => ({ id: n.id, group: state.colour === "community" ? communityGroup(n.id) : n.group })));
  }
  $("colour").addEventListener("change", () => { state.colour = $("colour").value; applyColour(); });
  function renderRanking() {
    const list = $("ranking");
    list.replaceChildren();
    $("ranking-section").hidden = !(analysis.ranking && analysis.ranking.length);
    for (const [i, pagerank, betweenness, degree] of analysis.ranking || []) {
      const item = el("li");
      const button = entityButton(i);
      item.appendChild(button);
      item.appendChild(el("span", pagerank.toFixed(3) + " · " + degree, "score"));
      item.title = "PageRank " + pagerank + ", betweenness " + betweenness + ", degree " + degree;
      list.appendChild(item);
    }
  }

  // ---------------------------------------------------------------- search
  function search(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const found = [];
    for (let i = 0; i < N; i++) {
      const at = searchText[i].indexOf(q);
      if (at < 0) continue;
      const names = [entities[i][1], entities[i][2], ...entities[i][3]].map((s) => s.toLowerCase());
      const exact = names.includes(q) ? 0 : names.some((s) => s.startsWith(q)) ? 1 : 2;
      found.push([exact, Math.min(...names.filter((s) => s.includes(q)).map((s) => s.length)), i]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    return found.slice(0, 12).map((f) => f[2]);
  }
  function showResults() {
    const list = $("results");
    const query = $("search").value;
    list.replaceChildren();
    if (!query.trim()) { list.hidden = true; return; }
    const found = search(query);
    if (!found.length) list.appendChild(el("li", ui("noMatch"), "empty"));
    for (const i of found) {
      const button = el("button", entityLabel(i));
      button.type = "button";
      const other = lang === "zh" ? entities[i][2] : entities[i][1];
      if (other) button.appendChild(el("span", other, "other"));
      button.appendChild(el("span", entities[i][4] < 0 ? ui("untyped") : termLabel(classes[entities[i][4]][0]), "kind"));
      button.addEventListener("click", () => choose(i));
      const item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    }
    list.hidden = false;
  }
  function choose(i) {
    $("results").hidden = true;
    note = "";
    select(i, { focus: true });
  }
  $("search").addEventListener("input", showResults);
  $("search").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { const found = search($("search").value); if (found.length) choose(found[0]); }
    else if (event.key === "Escape") { $("search").value = ""; $("results").hidden = true; }
  });
  document.addEventListener("click", (event) => { if (!$("finder").contains(event.target)) $("results").hidden = true; });

  // ---------------------------------------------------------------- controls
  function swatch(colour, shape) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 14;
    const c = canvas.getContext("2d");
    c.fillStyle = colour;
    c.strokeStyle = shade(colour);
    c.beginPath();
    const poly = (points) => { c.moveTo(points[0][0], points[0][1]); for (const p of points.slice(1)) c.lineTo(p[0], p[1]); c.closePath(); };
    if (shape === "square") c.rect(2, 2, 10, 10);
    else if (shape === "diamond") poly([[7, 1], [13, 7], [7, 13], [1, 7]]);
    else if (shape === "triangle") poly([[7, 1], [13, 12], [1, 12]]);
    else if (shape === "triangleDown") poly([[1, 2], [13, 2], [7, 13]]);
    else if (shape === "hexagon") poly([0, 1, 2, 3, 4, 5].map((k) => [7 + 6 * Math.cos(k * Math.PI / 3), 7 + 6 * Math.sin(k * Math.PI / 3)]));
    else if (shape === "star") poly(Array.from({ length: 10 }, (_, k) => { const r = k % 2 ? 2.8 : 6.5, a = -Math.PI / 2 + k * Math.PI / 5; return [7 + r * Math.cos(a), 7.5 + r * Math.sin(a)]; }));
    else c.arc(7, 7, 6, 0, 2 * Math.PI);
    c.fill();
    c.stroke();
    return canvas;
  }
  function renderLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    classes.forEach((c, i) => {
      const button = el("button");
      button.type = "button";
      button.setAttribute("aria-pressed", String(!state.hiddenClasses.has(i)));
      button.appendChild(swatch(c[1], c[2]));
      button.appendChild(el("span", c[0] < 0 ? ui("untyped") : termLabel(c[0]), "name"));
      button.appendChild(el("span", c[3], "count"));
      button.addEventListener("click", () => {
        if (state.hiddenClasses.has(i)) state.hiddenClasses.delete(i); else state.hiddenClasses.add(i);
        button.setAttribute("aria-pressed", String(!state.hiddenClasses.has(i)));
        note = "";
        applyView();
      });
      const item = el("li");
      item.appendChild(button);
      legend.appendChild(item);
    });
  }
  function fillSelect(select, allKey, options) {
    // option values are the codes a person sees in the data (event-9, kg:wonAward); "" is "all"
    const value = select.value;
    select.replaceChildren(el("option", ui(allKey)));
    select.firstChild.value = "";
    for (const [code, text] of options) { const o = el("option", text); o.value = code; select.appendChild(o); }
    select.value = value;
  }
  const filterProperties = Array.from(new Set(facts.map((f) => f[1]))).filter((p) => !NAME_PROPERTIES.has(terms[p][0]));
  const propertyByName = new Map(filterProperties.map((p) => [terms[p][0], p]));
  const sectionByCode = new Map(sections.map((s, i) => [s[0], i]));
  function renderControls() {
    fillSelect($("property"), "allProperties", filterProperties.map((p) => [terms[p][0], termLabel(p)]).sort((a, b) => a[1].localeCompare(b[1])));
    fillSelect($("event"), "allEvents", sections.map((s, i) => [s[0], sectionLabel(i)]));
    $("colour").options[0].textContent = ui("byClass");
    $("colour").options[1].textContent = ui("byCommunity");
    $("colour").disabled = !analysis.community;
    renderLegend();
    renderRanking();
    showPathHint();
  }
  $("property").addEventListener("change", () => { state.property = propertyByName.has($("property").value) ? propertyByName.get($("property").value) : -1; note = ""; applyView(); });
  $("event").addEventListener("change", () => { state.section = sectionByCode.has($("event").value) ? sectionByCode.get($("event").value) : -1; note = ""; applyView(); });
  $("hops").addEventListener("change", () => {
    state.hops = Number($("hops").value);
    applyView();
    if (state.hood && state.selected !== null) fitFree(Array.from(neighbourhood(state.selected, state.hops)));
  });
  $("hood").addEventListener("change", () => {
    state.hood = $("hood").checked;
    if (state.hood && state.selected === null) { state.hood = false; $("hood").checked = false; note = ui("selectFirst"); showStatus(); return; }
    note = "";
    applyView();
    if (state.hood) fitFree(Array.from(neighbourhood(state.selected, state.hops)));
  });
  $("reset").addEventListener("click", () => {
    clearFilters();
    note = "";
    state.selected = null;
    network.unselectAll();
    closePanel();
    $("search").value = "";
    $("results").hidden = true;
    applyView();
    network.fit({ animation: false });
  });
  $("png").addEventListener("click", () => {
    const canvas = container.querySelector("canvas");
    canvas.toBlob((blob) => {
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = ui("png");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 5000);
    }, "image/png");
  });
  $("close").addEventListener("click", closePanel);

  // ---------------------------------------------------------------- language
  function setLanguage(next, initial) {
    lang = next;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = pick(DATA.meta.title[0], DATA.meta.title[1], "ningbo-kg");
    $("title").textContent = document.title;
    for (const node of document.querySelectorAll("[data-ui]")) node.textContent = ui(node.getAttribute("data-ui"));
    $("search").placeholder = ui("search");
    $("search").setAttribute("aria-label", ui("search"));
    $("lang").textContent = ui("otherLang");
    $("close").textContent = ui("close");
    $("close").setAttribute("aria-label", ui("close"));
    renderControls();
    if (!initial) { // the data sets were made with this language's labels
      nodes.update(DATA.nodes.map((n) => ({ id: n.id, label: wrap(entityLabel(n.id)) })));
      edges.update(DATA.edges.map((e) => ({ id: e.id, label: termLabel(facts[e.fact][1]) })));
    }
    if (!$("results").hidden) showResults();
    if (state.panel) { if (state.panel[0] === "node") showNode(state.panel[1]); else showEdge(state.panel[1]); }
    else $("details").replaceChildren(el("p", ui("hint")));
    showStatus();
  }
  $("lang").addEventListener("click", () => setLanguage(lang === "zh" ? "en" : "zh"));

  setLanguage("zh", true);
  applyView();
  // the page is ready when it has been drawn after all of the above: tests and people can use it
  network.once("afterDrawing", () => {
    window.kgExplorerDrawnAt = performance.now();
    document.documentElement.setAttribute("data-drawn", "true");
  });
  network.redraw();
  // a link to this page ending in #IRI (as the query page of kg serve makes them) selects that entity
  function selectFromHash() {
    let iri = "";
    try { iri = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    const i = iri ? entities.findIndex((e) => e[0] === iri) : -1;
    if (i >= 0) select(i, { focus: true });
  }
  window.addEventListener("hashchange", selectFromHash);
  selectFromHash();
  // what the browser tests read; nothing here changes the page
  window.kgExplorer = {
    language: () => lang,
    selected: () => network.getSelectedNodes().map((i) => ({ iri: entities[i][0], zh: entities[i][1], en: entities[i][2], aliases: entities[i][3], label: nodes.get(i).label })),
    visibleNodes: () => entities.filter((_, i) => nodeShown[i]).map((e) => e[0]),
    nodeLabel: (iri) => { const i = entities.findIndex((e) => e[0] === iri); return i < 0 ? null : nodes.get(i).label; },
    // where a node is drawn, in page pixels, and the part of the canvas that the side panel leaves free
    onScreen: (iri) => {
      const i = entities.findIndex((e) => e[0] === iri);
      const at = network.canvasToDOM(network.getPosition(i));
      const box = container.getBoundingClientRect();
      const panel = $("panel").hidden ? box.right : $("panel").getBoundingClientRect().left;
      return { x: box.left + at.x, y: box.top + at.y, free: { left: box.left, right: panel, top: box.top, bottom: box.bottom } };
    },
    nodeCount: N,
    colour: () => state.colour,
    nodeGroup: (iri) => { const i = entities.findIndex((e) => e[0] === iri); return i < 0 ? null : nodes.get(i).group; },
    ranking: () => (analysis.ranking || []).map((r) => entities[r[0]][0]),
    path: () => (state.path ? state.path.nodes.map((i) => entities[i][0]) : null),
    scale: () => network.getScale()
  };
})();
