// The map page's own script (inlined by queries/map_html.py; see map_template.html).
(function () {
  "use strict";
  // Every string below came from news articles: it is only ever set with
  // textContent or drawn on the canvas, never parsed as HTML.
  var data = JSON.parse(document.getElementById("eikg-data").textContent);
  var DIM_NODE = { background: "#ececec", border: "#d6d6d6" };
  var DIM_EDGE = "#eeeeee";
  var nodesRaw = data.nodes, edgesRaw = data.edges;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function nodeColor(n) {
    if (data.colorBy === "community") {
      return data.communityColors[(n.community || 0) % data.communityColors.length];
    }
    return data.typeColors[n.type] || data.typeColors[""];
  }
  function relColor(t) { return data.relationColors[t] || "#999999"; }
  function relLabel(t) { return String(t).toLowerCase().replace(/_/g, " "); }

  var adjacency = nodesRaw.map(function () { return []; });
  edgesRaw.forEach(function (e, i) {
    adjacency[e.from].push(i);
    if (e.to !== e.from) adjacency[e.to].push(i);
  });

  function visNode(n, dim) {
    var c = dim ? DIM_NODE : { background: nodeColor(n), border: nodeColor(n) };
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: "dot",
      color: { background: c.background, border: c.border,
               highlight: { background: c.background, border: "#222" },
               hover: { background: c.background, border: "#222" } },
      // n.font, n.vadjust: a view may size and move labels per node (partnership_panel.js).
      font: { color: dim ? "#c8c8c8" : "#222", size: n.font || 14, vadjust: n.vadjust || 0 }
    };
  }
  function visEdge(e, i, dim) {
    var c = dim ? DIM_EDGE : relColor(e.type);
    var edge = {
      id: i, from: e.from, to: e.to, label: data.edgeLabels === false ? undefined : relLabel(e.type),
      color: { color: c, highlight: c, hover: c },
      font: { color: dim ? "#dddddd" : "#555555" },
      arrows: e.directed ? "to" : ""
    };
    if (e.nth) edge.smooth = { enabled: true, type: e.nth % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil(e.nth / 2) };
    return edge;
  }

  var nodes = new vis.DataSet(nodesRaw.map(function (n) { return visNode(n, false); }));
  var edges = new vis.DataSet(edgesRaw.map(function (e, i) { return visEdge(e, i, false); }));
  var big = nodesRaw.length > 1500;
  var options = {
    autoResize: true,
    layout: { improvedLayout: false },
    physics: data.physics ? {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, springLength: 110, avoidOverlap: 0.2 },
      // Positions come from the Python layout already: a short settle suffices
      // and keeps the first picture quick; physics then runs on live.
      stabilization: { enabled: true, iterations: nodesRaw.length > 300 ? 40 : 120, updateInterval: 20 }
    } : false,
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, navigationButtons: false },
    nodes: { shape: "dot", borderWidth: 1, font: { size: 14, strokeWidth: 3, strokeColor: "#ffffff" } },
    edges: { width: 1.3, selectionWidth: 1.5, font: { size: 9, align: "middle", strokeWidth: 2 },
             arrows: { to: { scaleFactor: 0.5 } }, smooth: data.physics ? { type: "continuous" } : false }
  };
  var container = document.getElementById("network");
  var started = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var api = window.eikgMap = {
    data: data, network: network, nodes: nodes, edges: edges,
    firstDrawMs: null, constructMs: performance.now() - started, stabilized: !data.physics,
    highlighted: null, adjacency: adjacency, el: el, visNode: visNode
  };
  network.once("afterDrawing", function () { api.firstDrawMs = performance.now(); });
  network.on("stabilizationIterationsDone", function () { api.stabilized = true; });
  network.on("stabilized", function () { api.stabilized = true; });
  // Physics keeps moving nodes after the first picture: fit the view once it
  // settles, unless the reader has already taken over.
  var touched = false;
  ["dragStart", "zoom", "click"].forEach(function (ev) { network.on(ev, function () { touched = true; }); });
  network.once("stabilized", function () { if (!touched) network.fit({ animation: false }); });

  // --- header and legend ---------------------------------------------------------
  document.getElementById("title").textContent = data.title;
  document.getElementById("summary").textContent =
    nodesRaw.length + " entities \u00b7 " + edgesRaw.length + " relations \u00b7 size by " + data.sizeBy +
    (data.physics ? "" : " \u00b7 static layout");

  var hiddenTypes = {}, hiddenRelations = {};
  function counts(list, key) {
    var out = {};
    list.forEach(function (x) { out[x[key]] = (out[x[key]] || 0) + 1; });
    return Object.keys(out).sort().map(function (k) { return [k, out[k]]; });
  }
  function legendRow(box, swatchClass, color, text, count, onToggle) {
    var label = el("label");
    var box_ = el("input"); box_.type = "checkbox"; box_.checked = true;
    box_.addEventListener("change", function () { onToggle(!box_.checked); });
    var sw = el("span", null, swatchClass); sw.style.background = color;
    label.appendChild(box_); label.appendChild(sw); label.appendChild(el("span", text));
    label.appendChild(el("span", count, "count"));
    box.appendChild(label);
    return box_;
  }
  var typeBox = document.getElementById("types");
  counts(nodesRaw, "type").forEach(function (tc) {
    var color = data.colorBy === "type" ? (data.typeColors[tc[0]] || data.typeColors[""]) : "#cccccc";
    var input = legendRow(typeBox, "swatch", color, tc[0], tc[1], function (hide) {
      hiddenTypes[tc[0]] = hide; applyFilters();
    });
    input.dataset.type = tc[0];
  });
  var relBox = document.getElementById("relations");
  counts(edgesRaw, "type").forEach(function (tc) {
    var input = legendRow(relBox, "line", relColor(tc[0]), relLabel(tc[0]), tc[1], function (hide) {
      hiddenRelations[tc[0]] = hide; applyFilters();
    });
    input.dataset.relation = tc[0];
  });
  if (data.colorBy === "community") {
    document.getElementById("communities-box").style.display = "";
    var sizes = {};
    nodesRaw.forEach(function (n) { sizes[n.community] = (sizes[n.community] || 0) + 1; });
    Object.keys(sizes).map(Number).sort(function (a, b) { return a - b; }).slice(0, 12).forEach(function (c) {
      var row = el("label");
      var sw = el("span", null, "swatch"); sw.style.background = data.communityColors[c % data.communityColors.length];
      row.appendChild(sw); row.appendChild(el("span", "community " + (c + 1)));
      row.appendChild(el("span", sizes[c], "count"));
      document.getElementById("communities").appendChild(row);
    });
  }

  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [];
    var nodeHidden = nodesRaw.map(function (n) { return !!hiddenTypes[n.type]; });
    nodesRaw.forEach(function (n, i) {
      if (nodes.get(i).hidden !== nodeHidden[i]) nodeUpdates.push({ id: i, hidden: nodeHidden[i] });
    });
    edgesRaw.forEach(function (e, i) {
      var hide = !!hiddenRelations[e.type] || nodeHidden[e.from] || nodeHidden[e.to];
      if (edges.get(i).hidden !== hide) edgeUpdates.push({ id: i, hidden: hide });
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
  }
  api.setTypeVisible = function (type, visible) {
    hiddenTypes[type] = !visible;
    var box = typeBox.querySelector('input[data-type="' + CSS.escape(type) + '"]');
    if (box) box.checked = visible;
    applyFilters();
  };

  // --- neighbourhood highlight -----------------------------------------------------
  function neighbours(id) {
    var out = {}; out[id] = true;
    adjacency[id].forEach(function (i) { out[edgesRaw[i].from] = true; out[edgesRaw[i].to] = true; });
    return out;
  }
  function highlight(id) {
    var keep = neighbours(id);
    nodes.update(nodesRaw.map(function (n) { return visNode(n, !keep[n.id]); }));
    edges.update(edgesRaw.map(function (e, i) { return visEdge(e, i, !(e.from === id || e.to === id)); }));
    api.highlighted = Object.keys(keep).map(Number).sort(function (a, b) { return a - b; });
  }
  function clearHighlight() {
    if (api.highlighted === null) return;
    nodes.update(nodesRaw.map(function (n) { return visNode(n, false); }));
    edges.update(edgesRaw.map(function (e, i) { return visEdge(e, i, false); }));
    api.highlighted = null;
  }
  api.highlight = highlight;
  api.clearHighlight = clearHighlight;
  if (data.focus !== null && data.focus !== undefined) {
    highlight(data.focus);
    network.selectNodes([data.focus], false);
  }
  network.on("click", function (params) {
    if (params.nodes.length) highlight(params.nodes[0]);
    else if (!params.edges.length) clearHighlight();
  });

  // --- search ------------------------------------------------------------------------
  var search = document.getElementById("search");
  var searchCount = document.getElementById("search-count");
  var haystack = nodesRaw.map(function (n) {
    return [n.label].concat(n.aliases).join("\n").toLowerCase();
  });
  function find(query) {
    var q = String(query).trim().toLowerCase();
    if (!q) return [];
    var exact = [], partial = [];
    haystack.forEach(function (h, i) {
      if (hiddenTypes[nodesRaw[i].type]) return;
      var names = h.split("\n");
      if (names.indexOf(q) >= 0) exact.push(i);
      else if (h.indexOf(q) >= 0) partial.push(i);
    });
    return exact.concat(partial);
  }
  api.find = find;
  function runSearch(focus) {
    var hits = find(search.value);
    searchCount.textContent = search.value.trim() ? hits.length + (hits.length === 1 ? " match" : " matches") : "";
    network.selectNodes(hits.slice(0, 500), false);
    if (focus && hits.length) {
      highlight(hits[0]);
      network.selectNodes([hits[0]], false);
      network.focus(hits[0], { scale: Math.max(network.getScale(), 1.0), animation: false });
    }
    return hits;
  }
  api.search = function (q, focus) { search.value = q; return runSearch(focus); };
  search.addEventListener("input", function () { runSearch(false); });
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(true); });

  // --- tooltip (plain text only) ---------------------------------------------------
  var tooltip = document.getElementById("tooltip");
  function evidenceList(box, items) {
    var ul = el("ul");
    items.forEach(function (ev) {
      var li = el("li");
      li.appendChild(el("span", "\u201c" + ev[0] + "\u201d"));
      if (ev[1] !== null && ev[1] !== undefined && data.articles[ev[1]]) {
        var a = data.articles[ev[1]];
        li.appendChild(el("span", " \u2014 " + a[0] + (a[1] ? " (" + a[1] + ")" : ""), "source"));
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function section(box, heading, lines) {
    if (!lines || !lines.length) return;
    box.appendChild(el("div", heading, "head"));
    var ul = el("ul");
    lines.forEach(function (line) { ul.appendChild(el("li", line)); });
    box.appendChild(ul);
  }
  function nodeTooltip(id) {
    var n = nodesRaw[id], box = document.createDocumentFragment();
    box.appendChild(el("div", n.label, "name"));
    box.appendChild(el("div", "Type: " + n.type + (n.date ? " \u00b7 " + n.date : "")));
    if (n.aliases.length) box.appendChild(el("div", "Also known as: " + n.aliases.join("; ")));
    box.appendChild(el("div", adjacency[id].length + " relations \u00b7 " + data.sizeBy + " " + n.score));
    section(box, "Positions held", n.positions);
    section(box, "People holding positions here", n.holders.slice(0, 8));
    var evidence = [];
    adjacency[id].some(function (i) {
      edgesRaw[i].evidence.some(function (ev) { evidence.push(ev); return evidence.length >= 3; });
      return evidence.length >= 3;
    });
    if (evidence.length) { box.appendChild(el("div", "Evidence", "head")); evidenceList(box, evidence); }
    return box;
  }
  function edgeTooltip(id) {
    var e = edgesRaw[id], box = document.createDocumentFragment();
    var arrow = e.directed ? " \u2192 " : " \u2194 ";
    box.appendChild(el("div", nodesRaw[e.from].label + arrow + nodesRaw[e.to].label, "name"));
    box.appendChild(el("div", relLabel(e.type) + (e.title ? ": " + e.title : "")));
    if (e.firstSeen) box.appendChild(el("div", "Seen " + e.firstSeen + (e.lastSeen && e.lastSeen !== e.firstSeen ? " to " + e.lastSeen : "")));
    if (e.evidence.length) {
      box.appendChild(el("div", "Evidence (" + e.evidence.length + " of " + Math.max(e.count, e.evidence.length) + ")", "head"));
      evidenceList(box, e.evidence);
    }
    return box;
  }
  function showTooltip(content, pointer) {
    tooltip.textContent = "";
    tooltip.appendChild(content);
    var rect = container.getBoundingClientRect();
    var x = rect.left + pointer.x + 14, y = rect.top + pointer.y + 14;
    tooltip.style.display = "block";
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 4) x = Math.max(4, x - w - 28);
    if (y + h > window.innerHeight - 4) y = Math.max(4, y - h - 28);
    tooltip.style.left = x + "px"; tooltip.style.top = y + "px";
  }
  function hideTooltip() { tooltip.style.display = "none"; }
  api.showNodeTooltip = function (id) { showTooltip(nodeTooltip(id), { x: 10, y: 10 }); return tooltip; };
  api.showEdgeTooltip = function (id) { showTooltip(edgeTooltip(id), { x: 10, y: 10 }); return tooltip; };
  network.on("hoverNode", function (p) { showTooltip(nodeTooltip(p.node), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTooltip(edgeTooltip(p.edge), p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);
})();
