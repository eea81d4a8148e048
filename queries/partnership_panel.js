// The partnership map's additions (run after map_app.js; see queries/partnership_map.py):
// a side panel listing a clicked organisation's partners with their evidence,
// labels for the largest organisations at the opening zoom (the rest on zoom or
// hover), and a note of the organisations left out for having no relation.
(function () {
  "use strict";
  var api = window.eikgMap;
  if (!api || !api.data.partnershipView) return;
  var data = api.data, nodesRaw = data.nodes, edgesRaw = data.edges, el = api.el;
  var PARTNERS = "PARTNERS_WITH";

  // --- labels: the largest first, none over another -----------------------------------
  var MINOR = 12, ALWAYS = 5, labelBoxes = [];
  function chooseLabels(s) {
    // Walk the nodes largest first and label each whose label box (on screen, below its
    // dot or else above it) overlaps no label already placed, up to data.labelLimit.
    var positions = api.network.getPositions();
    var chosen = {}, count = 0;
    // Dots big enough to see are obstacles too (a label over one would hide it), except
    // for the few largest organisations: those are labelled whatever lies below.
    var labels = [], dots = [];
    nodesRaw.forEach(function (n) {
      var p = api.network.canvasToDOM(positions[n.id]), r = n.size * s;
      if (r >= 4) dots.push([p.x - r, p.y - r, p.x + r, p.y + r, n.id]);
    });
    (data.labelOrder || []).forEach(function (id) {
      if (count >= (data.labelLimit || 25)) return;
      var n = nodesRaw[id], p = api.network.canvasToDOM(positions[id]), r = n.size * s;
      var w = n.label.length * 7.2;
      function hits(box) {
        return function (b) { return b[4] !== id && box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; };
      }
      // Below the dot (where vis puts it), else above it.
      var spots = [[p.y + r + 2, 0], [p.y - r - 20, -(2 * r + 22) / s]];
      for (var k = 0; k < spots.length; k++) {
        var box = [p.x - w / 2 - 3, spots[k][0], p.x + w / 2 + 3, spots[k][0] + 16, id];
        if (labels.some(hits(box)) || (count >= ALWAYS && dots.some(hits(box)))) continue;
        labels.push(box); chosen[id] = spots[k][1]; count += 1;
        return;
      }
    });
    labelBoxes = labels;
    return chosen;
  }
  function setLabels() {
    var s = api.network.getScale() || 1;
    var major = chooseLabels(s);
    // Chosen labels: legible (13 px on screen) at this zoom; the others appear once the
    // reader zooms in by a quarter (vis draws no label below drawThreshold - 1 screen px).
    var big = Math.max(14, 13 / s);
    var threshold = MINOR * s * 1.25 > 13 ? 5 : MINOR * s * 1.25 + 1;
    var keep = {};
    (api.highlighted || []).forEach(function (id) { keep[id] = true; });
    nodesRaw.forEach(function (n) {
      var on = Object.prototype.hasOwnProperty.call(major, n.id);
      n.font = on ? big : MINOR;
      n.vadjust = on ? major[n.id] : 0;
    });
    api.nodes.update(nodesRaw.map(function (n) {
      var v = api.visNode(n, api.highlighted !== null && !keep[n.id]);
      v.scaling = { label: { drawThreshold: threshold, maxVisible: 80 } };
      return v;
    }));
    api.labelScale = s;
    api.labelled = Object.keys(major).map(Number);
    api.labelBoxes = labelBoxes;
  }
  api.setLabels = setLabels;
  api.network.once("afterDrawing", setLabels);
  // Physics keeps settling after the first picture: place the labels again each time it
  // stops (a few times only: updating the nodes wakes the simulation once more).
  var relabels = 0;
  api.network.on("stabilized", function () { if (relabels++ < 4) setLabels(); });

  // --- what is left out ---------------------------------------------------------------
  var summary = document.getElementById("summary");
  if (data.hiddenIsolated) {
    summary.textContent += " \u00b7 " + data.hiddenIsolated + " organisations with no relation in view not shown";
  }

  // --- the side panel -------------------------------------------------------------------
  var panel = el("div"); panel.id = "panel"; panel.style.display = "none";
  var main = document.getElementById("main");
  main.insertBefore(panel, document.getElementById("side"));

  function other(e, id) { return e.from === id ? e.to : e.from; }
  function sourceText(ev) {
    var a = ev[1] !== null && ev[1] !== undefined ? data.articles[ev[1]] : null;
    return a ? a[0] + (a[1] ? " (" + a[1] + ")" : "") : "";
  }
  function partnersOf(id) {
    var seen = {}, out = [];
    api.adjacency[id].forEach(function (i) {
      var e = edgesRaw[i];
      if (e.type !== PARTNERS || e.from === e.to) return;
      var p = other(e, id);
      if (!seen[p]) { seen[p] = { id: p, evidence: [], edges: [] }; out.push(seen[p]); }
      seen[p].edges.push(e);
      e.evidence.forEach(function (ev) { seen[p].evidence.push(ev); });
    });
    out.sort(function (a, b) { return nodesRaw[a.id].label.localeCompare(nodesRaw[b.id].label); });
    return out;
  }
  function showPanel(id) {
    var n = nodesRaw[id];
    var partners = partnersOf(id);
    panel.textContent = "";
    var close = el("button", "\u00d7", "close"); close.type = "button"; close.title = "Close";
    close.addEventListener("click", hidePanel);
    panel.appendChild(close);
    panel.appendChild(el("div", n.label, "name"));
    panel.appendChild(el("div", n.type + " \u00b7 " + partners.length + (partners.length === 1 ? " partner" : " partners"), "meta"));
    if (n.aliases.length) panel.appendChild(el("div", "Also known as: " + n.aliases.join("; "), "meta"));
    panel.appendChild(el("h3", "Partners"));
    var list = el("ul", null, "partners");
    partners.forEach(function (p) {
      var li = el("li", null, "partner");
      li.dataset.key = nodesRaw[p.id].key;
      var name = el("button", nodesRaw[p.id].label, "partner-name"); name.type = "button";
      name.addEventListener("click", function () { select(p.id); });
      li.appendChild(name);
      var e = p.edges[0];
      if (e.firstSeen) li.appendChild(el("span", " " + (e.lastSeen && e.lastSeen !== e.firstSeen ? e.firstSeen + " to " + e.lastSeen : e.firstSeen), "seen"));
      var ul = el("ul", null, "evidence");
      p.evidence.forEach(function (ev) {
        var item = el("li");
        item.appendChild(el("span", "\u201c" + String(ev[0]).trim() + "\u201d"));
        var src = sourceText(ev);
        if (src) item.appendChild(el("span", " \u2014 " + src, "source"));
        ul.appendChild(item);
      });
      li.appendChild(ul);
      list.appendChild(li);
    });
    if (!partners.length) list.appendChild(el("li", "none in view", "none"));
    panel.appendChild(list);
    var ties = [];
    api.adjacency[id].forEach(function (i) {
      var e = edgesRaw[i];
      if (e.type === PARTNERS) return;
      var o = nodesRaw[other(e, id)].label;
      var verb = e.type === "LEADS" ? (e.from === id ? "leads " : "led by ") : (e.from === id ? "member of " : "member: ");
      ties.push(verb + o);
    });
    if (ties.length) {
      panel.appendChild(el("h3", "Alliances"));
      var ul = el("ul", null, "alliances");
      ties.sort().forEach(function (t) { ul.appendChild(el("li", t)); });
      panel.appendChild(ul);
    }
    panel.style.display = "";
    api.panelFor = id;
  }
  function hidePanel() { panel.style.display = "none"; api.panelFor = null; }
  function select(id) {
    api.highlight(id);
    api.network.selectNodes([id], false);
    showPanel(id);
  }
  api.showPanel = showPanel;
  api.hidePanel = hidePanel;
  api.panelFor = null;
  api.network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else if (!params.edges.length) hidePanel();
  });
  if (data.focus !== null && data.focus !== undefined) showPanel(data.focus);
})();
