// Apollo's interactive report: hand-made canvas drawing over the JSON embedded in the page (docs/reports.md says
// why no charting library). No network access: everything the page needs is in this file and the data element.
(function () {
  'use strict';
  var started = performance.now();
  var D = JSON.parse(document.getElementById('apollo-data').textContent);
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#393b79'];
  var STATUS = ['completed', 'infeasible', 'failed'];
  var state = { horizon: 0, playing: false, colourBy: 'outcome', filter: '', rendered: {} };
  var maxTrials = D.studies.reduce(function (m, s) { return Math.max(m, s.trial.length); }, 0);
  state.horizon = maxTrials;
  var maps = [];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function fmt(v, digits) {
    if (v === null || v === undefined) { return '-'; }
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) { return v.toExponential(digits === undefined ? 3 : digits); }
    return Number(v.toPrecision(digits === undefined ? 4 : digits)).toString();
  }

  function bytes(v) {
    if (v >= 1048576) { return fmt(v / 1048576) + ' MiB'; }
    if (v >= 1024) { return fmt(v / 1024) + ' KiB'; }
    return v + ' B';
  }

  function paramValue(p, v) { return D.parameters[p].bytes ? bytes(v) : fmt(v); }

  function markRendered(name) {
    state.rendered[name] = true;
    document.body.dataset.figuresRendered = Object.keys(state.rendered).length;
  }

  // ---- categories for colour and filter ------------------------------------------------------------------------
  function category(s, i) {
    if (state.colourBy === 'optimizer') { return s.optimizer; }
    if (state.colourBy === 'proposer') { return D.proposers[s.proposer[i]]; }
    if (state.colourBy === 'study') { return s.name; }
    return null;
  }

  var categoryColours = {};
  function colourOf(name) {
    if (!(name in categoryColours)) { categoryColours[name] = PALETTE[Object.keys(categoryColours).length % PALETTE.length]; }
    return categoryColours[name];
  }

  function visible(s, i) {
    if (!state.filter) { return true; }
    var f = state.filter.split('\u0000');
    return f[0] === 'optimizer' ? s.optimizer === f[1] : D.proposers[s.proposer[i]] === f[1];
  }

  // ---- the t-SNE maps ------------------------------------------------------------------------------------------
  var MAP_W = 640, MAP_H = 500, PAD = 14, LAYERS_SHOWN = 5;

  function bestIndexes(s, upTo) {
    var best = [];
    for (var i = 0; i < upTo; i++) {
      if (s.status[i] !== 0 || !visible(s, i)) { continue; }
      best.push(i);
      if (best.length > D.best_count * 4) {
        best.sort(function (a, b) { return s.reward[b] - s.reward[a] || a - b; });
        best.length = D.best_count;
      }
    }
    best.sort(function (a, b) { return s.reward[b] - s.reward[a] || a - b; });
    return best.slice(0, D.best_count);
  }

  function makeMap(embeddingIndex, studies, container) {
    var box = el('div', { 'class': 'map' });
    var title = D.embeddings[embeddingIndex];
    box.appendChild(el('h3', {}, 't-SNE map: ' + title.name + (title.trustworthiness !== undefined ? ' (trustworthiness ' + title.trustworthiness.toFixed(3) + ')' : '')));
    if (title.untrustworthy) { box.appendChild(el('p', { 'class': 'warning' }, 'Warning: trustworthiness below 0.9; regions and distances on this map are not reliable.')); }
    var canvas = el('canvas', { width: MAP_W, height: MAP_H, 'class': 'map-canvas', 'data-embedding': embeddingIndex });
    var row = el('div', { 'class': 'map-row' });
    var info = el('div', { 'class': 'point-info' }, 'Hover over a point to see its design; click to pin it.');
    row.appendChild(canvas);
    row.appendChild(info);
    box.appendChild(row);
    container.appendChild(box);
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    studies.forEach(function (s) {
      for (var i = 0; i < s.x.length; i++) {
        minX = Math.min(minX, s.x[i]); maxX = Math.max(maxX, s.x[i]);
        minY = Math.min(minY, s.y[i]); maxY = Math.max(maxY, s.y[i]);
      }
    });
    var sx = (MAP_W - 2 * PAD) / Math.max(1e-9, maxX - minX), sy = (MAP_H - 2 * PAD) / Math.max(1e-9, maxY - minY);
    var map = { canvas: canvas, info: info, studies: studies, pinned: null, index: embeddingIndex,
      px: function (x) { return PAD + (x - minX) * sx; }, py: function (y) { return MAP_H - PAD - (y - minY) * sy; } };
    // A grid of 8-px cells over the screen positions finds the point under the mouse among 100,000 at once.
    map.grid = {};
    studies.forEach(function (s, si) {
      for (var i = 0; i < s.x.length; i++) {
        var key = Math.floor(map.px(s.x[i]) / 8) + ',' + Math.floor(map.py(s.y[i]) / 8);
        (map.grid[key] = map.grid[key] || []).push([si, i]);
      }
    });
    canvas.addEventListener('mousemove', function (ev) { if (!map.pinned) { hover(map, ev, false); } });
    canvas.addEventListener('click', function (ev) { map.pinned = null; hover(map, ev, true); });
    maps.push(map);
    return map;
  }

  function nearest(map, cx, cy) {
    var best = null, bestD = 8 * 8;
    var gx = Math.floor(cx / 8), gy = Math.floor(cy / 8);
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        (map.grid[(gx + dx) + ',' + (gy + dy)] || []).forEach(function (p) {
          var s = map.studies[p[0]];
          if (p[1] >= state.horizon || !visible(s, p[1])) { return; }
          var ddx = map.px(s.x[p[1]]) - cx, ddy = map.py(s.y[p[1]]) - cy, d = ddx * ddx + ddy * ddy;
          if (d <= bestD) { bestD = d; best = p; }
        });
      }
    }
    return best;
  }

  function hover(map, ev, pin) {
    var r = map.canvas.getBoundingClientRect();
    var p = nearest(map, ev.clientX - r.left, ev.clientY - r.top);
    if (!p) { return; }
    if (pin) { map.pinned = p; }
    showPoint(map, map.studies[p[0]], p[1]);
  }

  function showPoint(map, s, i) {
    var info = map.info;
    info.textContent = '';
    info.appendChild(el('h4', {}, s.name + ' trial ' + s.trial[i] + (map.pinned ? ' (pinned; click elsewhere to unpin)' : '')));
    var t = el('table', { 'class': 'point-table' });
    function row(k, v) { var tr = el('tr'); tr.appendChild(el('th', { 'class': 'text' }, k)); tr.appendChild(el('td', {}, v)); t.appendChild(tr); }
    row('status', STATUS[s.status[i]]);
    row('proposer', D.proposers[s.proposer[i]]);
    if (s.status[i] === 0) { row('reward', fmt(s.reward[i], 5)); }
    if (s.area[i] !== undefined && s.area[i] !== null) { row('area', fmt(s.area[i]) + ' mm²'); }
    D.parameters.forEach(function (p, k) { var v = s.parameters[k][i]; row(p.name, v < 0 ? '-' : paramValue(k, p.values[v])); });
    if (s.status[i] === 0) {
      D.workloads.forEach(function (w, k) {
        var lat = s.latency_ms[k][i];
        if (lat !== null && lat !== undefined) { row(w + ' latency', fmt(lat) + ' ms'); }
        if (s.energy_mj && s.energy_mj[k][i] !== null && s.energy_mj[k][i] !== undefined) { row(w + ' energy', fmt(s.energy_mj[k][i]) + ' mJ'); }
      });
    } else if (s.reason[i] >= 0) {
      row('why infeasible', D.reasons[s.reason[i]]);
    }
    info.appendChild(t);
    info.dataset.study = s.name;
    info.dataset.trial = s.trial[i];
  }

  function star(ctx, x, y, r) {
    ctx.moveTo(x - r, y); ctx.lineTo(x + r, y);
    ctx.moveTo(x, y - r); ctx.lineTo(x, y + r);
    ctx.moveTo(x - r * 0.7, y - r * 0.7); ctx.lineTo(x + r * 0.7, y + r * 0.7);
    ctx.moveTo(x - r * 0.7, y + r * 0.7); ctx.lineTo(x + r * 0.7, y - r * 0.7);
  }

  function drawMap(map) {
    var ctx = map.canvas.getContext('2d');
    ctx.clearRect(0, 0, MAP_W, MAP_H);
    ctx.strokeStyle = '#ddd'; ctx.strokeRect(0.5, 0.5, MAP_W - 1, MAP_H - 1);
    // Batched by colour and shape: one path per batch keeps 100,000 markers at interactive speed.
    var batches = {};
    function batch(colour, shape) { var k = colour + '|' + shape; return (batches[k] = batches[k] || { colour: colour, shape: shape, pts: [] }); }
    var bests = [];
    map.studies.forEach(function (s) {
      var upTo = Math.min(state.horizon, s.x.length);
      var maxReward = 0;
      for (var j = 0; j < s.reward.length; j++) { maxReward = Math.max(maxReward, s.reward[j]); }
      for (var i = 0; i < upTo; i++) {
        if (!visible(s, i)) { continue; }
        var c = category(s, i);
        if (s.status[i] === 0) {
          // Five size classes of the study's reward range, as in the PNG maps.
          var bin = Math.min(4, Math.floor(5 * s.reward[i] / (maxReward * 1.000001)));
          batch(c === null ? 'rgba(31,119,180,0.55)' : colourOf(c), 'circle' + bin).pts.push(map.px(s.x[i]), map.py(s.y[i]));
        } else {
          batch(c === null ? '#9e9e9e' : colourOf(c), 'star').pts.push(map.px(s.x[i]), map.py(s.y[i]));
        }
      }
      bestIndexes(s, upTo).forEach(function (i) { bests.push(map.px(s.x[i]), map.py(s.y[i])); });
    });
    Object.keys(batches).sort().forEach(function (k) {
      var b = batches[k];
      ctx.beginPath();
      if (b.shape === 'star') {
        for (var i = 0; i < b.pts.length; i += 2) { star(ctx, b.pts[i], b.pts[i + 1], 3); }
        ctx.strokeStyle = b.colour; ctx.lineWidth = 1; ctx.stroke();
      } else {
        var r = 1.5 + Number(b.shape.slice(6)) * 1.2;
        for (var q = 0; q < b.pts.length; q += 2) { ctx.moveTo(b.pts[q] + r, b.pts[q + 1]); ctx.arc(b.pts[q], b.pts[q + 1], r, 0, 2 * Math.PI); }
        ctx.globalAlpha = b.colour.charAt(0) === '#' ? 0.6 : 1; ctx.fillStyle = b.colour; ctx.fill(); ctx.globalAlpha = 1;
      }
    });
    ctx.beginPath();
    for (var i = 0; i < bests.length; i += 2) {
      ctx.moveTo(bests[i] - 6, bests[i + 1] - 6); ctx.lineTo(bests[i] + 6, bests[i + 1] + 6);
      ctx.moveTo(bests[i] - 6, bests[i + 1] + 6); ctx.lineTo(bests[i] + 6, bests[i + 1] - 6);
    }
    ctx.strokeStyle = '#d62728'; ctx.lineWidth = 2.5; ctx.stroke(); ctx.lineWidth = 1;
    markRendered('map-' + map.index);
  }

  function legend() {
    var l = document.getElementById('map-legend');
    l.textContent = '';
    if (state.colourBy === 'outcome') {
      l.appendChild(el('span', { 'class': 'key', style: 'color:#9e9e9e' }, '\u2733 infeasible'));
      l.appendChild(el('span', { 'class': 'key', style: 'color:#1f77b4' }, '\u25cf feasible (size: reward)'));
    } else {
      Object.keys(categoryColours).forEach(function (k) { l.appendChild(el('span', { 'class': 'key', style: 'color:' + categoryColours[k] }, '\u25cf ' + k)); });
      l.appendChild(el('span', { 'class': 'key' }, '(stars: infeasible)'));
    }
    l.appendChild(el('span', { 'class': 'key', style: 'color:#d62728' }, '\u2715 best ' + D.best_count + ' so far'));
  }

  function redraw() {
    var t0 = performance.now();
    categoryColours = {};
    maps.forEach(drawMap);
    legend();
    document.getElementById('horizon').value = state.horizon;
    document.getElementById('horizon-label').textContent = 'trials 0\u2013' + (state.horizon - 1) + ' of ' + maxTrials;
    document.body.dataset.horizon = state.horizon;
    // How long one frame takes, for readers of a big report (and docs/reports.md's sizes table).
    document.body.dataset.drawMs = Math.round(performance.now() - t0);
  }

  // ---- controls: play/pause and the horizon slider -------------------------------------------------------------
  var timer = null;
  function play() {
    if (state.horizon >= maxTrials) { state.horizon = 0; }
    state.playing = true;
    document.getElementById('play').textContent = 'pause';
    // About 10 s for the whole horizon, whatever its length.
    var step = Math.max(1, Math.ceil(maxTrials / 150));
    redraw();
    timer = setInterval(function () {
      state.horizon = Math.min(maxTrials, state.horizon + step);
      redraw();
      if (state.horizon >= maxTrials) { pause(); }
    }, 66);
  }

  function pause() {
    state.playing = false;
    clearInterval(timer);
    document.getElementById('play').textContent = 'play';
  }

  function controls(container) {
    var c = el('div', { 'class': 'controls' });
    var button = el('button', { id: 'play', type: 'button' }, 'play');
    button.addEventListener('click', function () { if (state.playing) { pause(); } else { play(); } });
    var slider = el('input', { id: 'horizon', type: 'range', min: 1, max: maxTrials, value: maxTrials, step: 1 });
    slider.addEventListener('input', function () { pause(); state.horizon = Number(slider.value); redraw(); });
    var colour = el('select', { id: 'colour-by' });
    ['outcome', 'optimizer', 'proposer', 'study'].forEach(function (o) { colour.appendChild(el('option', { value: o }, 'colour by ' + o)); });
    colour.addEventListener('change', function () { state.colourBy = colour.value; redraw(); });
    var filter = el('select', { id: 'filter' });
    filter.appendChild(el('option', { value: '' }, 'all trials'));
    D.studies.map(function (s) { return s.optimizer; }).filter(function (v, i, a) { return a.indexOf(v) === i; })
      .forEach(function (o) { filter.appendChild(el('option', { value: 'optimizer\u0000' + o }, 'optimizer ' + o)); });
    D.proposers.forEach(function (p) { filter.appendChild(el('option', { value: 'proposer\u0000' + p }, 'proposed by ' + p)); });
    filter.addEventListener('change', function () { state.filter = filter.value; redraw(); });
    [button, slider, el('span', { id: 'horizon-label' }), colour, filter].forEach(function (x) { c.appendChild(x); });
    container.appendChild(c);
    container.appendChild(el('div', { id: 'map-legend', 'class': 'legend' }));
  }

  // ---- generic scatter with axes, for the architect views ------------------------------------------------------
  function niceTicks(lo, hi, log) {
    var ticks = [];
    if (log) {
      for (var e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
        [1, 2, 5].forEach(function (m) { var v = m * Math.pow(10, e); if (v >= lo && v <= hi) { ticks.push(v); } });
      }
      return ticks;
    }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) || 1)));
    if ((hi - lo) / step < 4) { step /= 2; }
    for (var v = Math.ceil(lo / step) * step; v <= hi; v += step) { ticks.push(v); }
    return ticks;
  }

  function scatter(name, title, series, opts) {
    var W = 640, H = 420, L = 70, R = 16, T = 30, B = 46;
    var canvas = el('canvas', { width: W, height: H, 'class': 'chart', 'data-figure': name });
    var xs = [], ys = [];
    series.forEach(function (s) { xs = xs.concat(s.x); ys = ys.concat(s.y); });
    if (xs.length === 0) { return null; }
    function range(v, log) {
      var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
      if (log) { lo /= 1.15; hi *= 1.15; } else { var pad = (hi - lo) * 0.05 || Math.abs(lo) * 0.1 || 1; lo -= pad; hi += pad; }
      return [lo, hi];
    }
    var xr = range(xs, opts.xlog), yr = range(ys, opts.ylog);
    function tx(v) { var a = opts.xlog ? Math.log(v / xr[0]) / Math.log(xr[1] / xr[0]) : (v - xr[0]) / (xr[1] - xr[0]); return L + a * (W - L - R); }
    function ty(v) { var a = opts.ylog ? Math.log(v / yr[0]) / Math.log(yr[1] / yr[0]) : (v - yr[0]) / (yr[1] - yr[0]); return H - B - a * (H - T - B); }
    var ctx = canvas.getContext('2d');
    ctx.font = '12px sans-serif'; ctx.fillStyle = '#222';
    ctx.fillText(title, L, 18);
    ctx.strokeStyle = '#999'; ctx.strokeRect(L, T, W - L - R, H - T - B);
    ctx.textAlign = 'center';
    niceTicks(xr[0], xr[1], opts.xlog).forEach(function (v) { ctx.fillText(fmt(v, 3), tx(v), H - B + 14); ctx.fillRect(tx(v), H - B, 1, 4); });
    ctx.fillText(opts.xlabel, L + (W - L - R) / 2, H - 8);
    ctx.textAlign = 'right';
    niceTicks(yr[0], yr[1], opts.ylog).forEach(function (v) { ctx.fillText(fmt(v, 3), L - 6, ty(v) + 4); ctx.fillRect(L - 4, ty(v), 4, 1); });
    ctx.save(); ctx.translate(14, T + (H - T - B) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center'; ctx.fillText(opts.ylabel, 0, 0); ctx.restore();
    var legendX = L + 8;
    series.forEach(function (s) {
      ctx.fillStyle = s.colour; ctx.strokeStyle = s.colour;
      if (s.line) {
        ctx.beginPath(); ctx.lineWidth = 2;
        s.x.forEach(function (x, i) { if (i === 0) { ctx.moveTo(tx(x), ty(s.y[i])); } else { ctx.lineTo(tx(x), ty(s.y[i])); } });
        ctx.stroke(); ctx.lineWidth = 1;
      } else {
        ctx.beginPath();
        var r = s.size || 2.5;
        s.x.forEach(function (x, i) {
          var X = tx(x), Y = ty(s.y[i]);
          if (s.shape === 'diamond') { ctx.moveTo(X, Y - r); ctx.lineTo(X + r, Y); ctx.lineTo(X, Y + r); ctx.lineTo(X - r, Y); ctx.closePath(); } else { ctx.moveTo(X + r, Y); ctx.arc(X, Y, r, 0, 2 * Math.PI); }
        });
        ctx.globalAlpha = s.alpha || 1; ctx.fill(); ctx.globalAlpha = 1;
      }
      ctx.textAlign = 'left'; ctx.fillText(s.label, legendX, T + 14); legendX += ctx.measureText(s.label).width + 16;
    });
    markRendered(name);
    return canvas;
  }

  function geomean(values) { var s = 0; for (var i = 0; i < values.length; i++) { s += Math.log(values[i]); } return Math.exp(s / values.length); }

  // Non-dominated front: smallest x for the largest y (maximize y, minimize x), by a sweep over x.
  function front(points, maximizeY) {
    var sorted = points.slice().sort(function (a, b) { return a[0] - b[0] || (maximizeY ? b[1] - a[1] : a[1] - b[1]); });
    var out = [], bestY = maximizeY ? -Infinity : Infinity;
    sorted.forEach(function (p) { if (maximizeY ? p[1] > bestY : p[1] < bestY) { out.push(p); bestY = p[1]; } });
    return out;
  }

  function architectViews(container) {
    var fingerprints = D.studies.map(function (s) { return s.fingerprint; }).filter(function (v, i, a) { return a.indexOf(v) === i; });
    fingerprints.forEach(function (fp) {
      var studies = D.studies.filter(function (s) { return s.fingerprint === fp; });
      var section = el('section', { 'class': 'architect' });
      section.appendChild(el('h2', {}, 'Architect views' + (fingerprints.length > 1 ? ', fingerprint ' + fp : '')));
      var figs = el('div', { 'class': 'figures' });
      section.appendChild(figs);
      var explanation = D.explanations.filter(function (e) { return e.fingerprint === fp; })[0];
      // Area vs throughput: geometric mean over the networks of inferences per second (batch 1).
      var pts = [], lePts = [];
      studies.forEach(function (s) {
        for (var i = 0; i < s.status.length; i++) {
          if (s.status[i] !== 0) { continue; }
          var lat = s.latency_ms.map(function (c) { return c[i]; });
          if (lat.some(function (v) { return v === null || v === undefined; })) { continue; }
          pts.push([s.area[i], 1000 / geomean(lat)]);
          if (s.energy_mj) { lePts.push([geomean(lat), geomean(s.energy_mj.map(function (c) { return c[i]; }))]); }
        }
      });
      var f = front(pts, true);
      var series = [
        { label: 'feasible designs (' + pts.length + ')', colour: '#1f77b4', alpha: 0.35, x: pts.map(function (p) { return p[0]; }), y: pts.map(function (p) { return p[1]; }) },
        { label: 'non-dominated front (' + f.length + ')', colour: '#d62728', line: true, x: f.map(function (p) { return p[0]; }), y: f.map(function (p) { return p[1]; }) },
      ];
      if (explanation) {
        var b = explanation.baseline;
        series.push({ label: 'baseline', colour: '#000', shape: 'diamond', size: 7, x: [b.area_mm2], y: [1 / geomean(b.networks.map(function (n) { return 1 / n.throughput_per_second; }))] });
      }
      var c = scatter('area-throughput-' + fp, 'Area vs throughput (geometric mean over networks, batch 1)', series, { xlabel: 'area mm²', ylabel: 'inferences/s (log)', ylog: true });
      if (c) { figs.appendChild(c); }
      if (lePts.length > 0) {
        var g = front(lePts, false);
        var le = [
          { label: 'feasible designs', colour: '#2ca02c', alpha: 0.35, x: lePts.map(function (p) { return p[0]; }), y: lePts.map(function (p) { return p[1]; }) },
          { label: 'non-dominated front', colour: '#d62728', line: true, x: g.map(function (p) { return p[0]; }), y: g.map(function (p) { return p[1]; }) },
        ];
        if (explanation) {
          var bl = explanation.baseline.networks;
          le.push({ label: 'baseline', colour: '#000', shape: 'diamond', size: 7, x: [geomean(bl.map(function (n) { return n.latency_ms; }))], y: [geomean(bl.map(function (n) { return n.energy_mj; }))] });
        }
        var c2 = scatter('latency-energy-' + fp, 'Latency vs energy per inference (geometric mean over networks)', le, { xlabel: 'latency ms (log)', ylabel: 'energy mJ (log)', xlog: true, ylog: true });
        if (c2) { figs.appendChild(c2); }
      }
      section.appendChild(speedups(studies, explanation));
      if (explanation) { section.appendChild(explain(explanation)); } else { section.appendChild(el('p', {}, 'The best design could not be re-evaluated here (an external evaluator, or the study\u2019s files moved), so its bottlenecks are not shown.')); }
      section.appendChild(infeasibility(fp));
      section.appendChild(importance(fp));
      container.appendChild(section);
    });
  }

  function table(headers, rows, cls) {
    var t = el('table', { 'class': cls || '' });
    var tr = el('tr');
    headers.forEach(function (h, i) { tr.appendChild(el('th', { 'class': i === 0 ? 'text' : '' }, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr', r.cls ? { 'class': r.cls } : {});
      r.cells.forEach(function (c, i) { row.appendChild(el('td', { 'class': i === 0 || typeof c !== 'string' || isNaN(Number(c.split(' ')[0])) ? 'text' : '' }, c)); });
      t.appendChild(row);
    });
    return t;
  }

  function speedups(studies, explanation) {
    var div = el('div');
    div.appendChild(el('h3', {}, 'Top designs: per-network latency speedup over the baseline'));
    var all = [];
    studies.forEach(function (s) { for (var i = 0; i < s.status.length; i++) { if (s.status[i] === 0) { all.push([s, i]); } } });
    all.sort(function (a, b) { return b[0].reward[b[1]] - a[0].reward[a[1]]; });
    var top = all.slice(0, D.best_count);
    var headers = ['design', 'reward', 'area mm²'].concat(D.parameters.map(function (p) { return p.name.replace(/_/g, '_\u200b'); }));
    D.workloads.forEach(function (w) { headers.push(w + ' ms'); if (explanation) { headers.push(w + ' ×'); } });
    var base = explanation ? explanation.baseline : null;
    var rows = [];
    if (base) {
      var bp = {}; base.parameters.forEach(function (kv) { bp[kv.key] = kv.value; });
      var cells = ['baseline', '1', fmt(base.area_mm2)].concat(D.parameters.map(function (p, k) { return bp[p.name] === undefined ? '-' : paramValue(k, bp[p.name]); }));
      D.workloads.forEach(function (w) { var n = base.networks.filter(function (x) { return x.workload === w; })[0]; cells.push(n ? fmt(n.latency_ms) : '-'); cells.push('1'); });
      rows.push({ cls: 'baseline', cells: cells });
    }
    top.forEach(function (x) {
      var s = x[0], i = x[1];
      var cells = [(studies.length > 1 ? s.name + ' ' : '') + '#' + s.trial[i], fmt(s.reward[i], 5), fmt(s.area[i])].concat(D.parameters.map(function (p, k) { var v = s.parameters[k][i]; return v < 0 ? '-' : paramValue(k, p.values[v]); }));
      D.workloads.forEach(function (w, k) {
        var lat = s.latency_ms[k][i];
        cells.push(fmt(lat));
        if (base) { var n = base.networks.filter(function (y) { return y.workload === w; })[0]; cells.push(n && lat ? fmt(n.latency_ms / lat, 3) + '×' : '-'); }
      });
      rows.push({ cells: cells });
    });
    var wrap = el('div', { 'class': 'scroll' });
    wrap.appendChild(table(headers, rows, 'top-designs'));
    div.appendChild(wrap);
    div.appendChild(el('p', { 'class': 'note' }, 'Speedup: the baseline\u2019s latency over the design\u2019s (batch 1). The reward is perf/area against the baseline, weighted over the networks.'));
    return div;
  }

  function explain(e) {
    var div = el('div', { 'class': 'explanation' });
    div.appendChild(el('h3', {}, 'Why the best design wins: ' + e.study + ' trial ' + e.trial + ' (reward ' + fmt(e.reward, 5) + ')'));
    var area = el('div', { 'class': 'figures' });
    var comps = e.best.area.map(function (a) { return a.component; });
    var W = 640, H = 30 + 26 * comps.length, L = 130;
    var canvas = el('canvas', { width: W, height: H, 'class': 'chart', 'data-figure': 'area-breakdown' });
    var ctx = canvas.getContext('2d');
    var maxA = Math.max.apply(null, e.best.area.concat(e.baseline.area).map(function (a) { return a.mm2; })) || 1;
    ctx.font = '12px sans-serif';
    ctx.fillText('Area breakdown, mm² (blue: best design ' + fmt(e.best.area_mm2) + ' mm², grey: baseline ' + fmt(e.baseline.area_mm2) + ' mm²)', 4, 14);
    comps.forEach(function (name, i) {
      var y = 26 + i * 26;
      var b = e.baseline.area.filter(function (a) { return a.component === name; })[0];
      ctx.fillStyle = '#222'; ctx.textAlign = 'right'; ctx.fillText(name, L - 6, y + 14); ctx.textAlign = 'left';
      ctx.fillStyle = '#1f77b4'; ctx.fillRect(L, y, (W - L - 80) * e.best.area[i].mm2 / maxA, 11);
      ctx.fillStyle = '#aaa'; ctx.fillRect(L, y + 12, (W - L - 80) * (b ? b.mm2 : 0) / maxA, 9);
      ctx.fillStyle = '#222'; ctx.fillText(fmt(e.best.area[i].mm2, 3), L + 4 + (W - L - 80) * e.best.area[i].mm2 / maxA, y + 10);
    });
    markRendered('area-breakdown-' + e.fingerprint);
    area.appendChild(canvas);
    div.appendChild(area);
    div.appendChild(el('h4', {}, 'Per network: where the cycles go (best design; baseline in grey rows)'));
    var rows = [];
    e.best.networks.forEach(function (n) {
      var b = e.baseline.networks.filter(function (x) { return x.workload === n.workload; })[0];
      [[n, 'best'], [b, 'baseline']].forEach(function (p) {
        var x = p[0];
        if (!x) { return; }
        rows.push({ cls: p[1] === 'baseline' ? 'baseline' : '', cells: [x.workload + ' (' + p[1] + ')', fmt(x.latency_ms) + ' ms', fmt(x.energy_mj) + ' mJ', String(x.compute_cycles), String(x.memory_stall_cycles), String(x.overhead_cycles), String(x.fixed_cycles), fmt(100 * x.utilization, 3) + ' %', bytes(x.dram_bytes), x.binding] });
      });
    });
    div.appendChild(table(['network', 'latency', 'energy', 'compute cycles', 'memory-stall cycles', 'overhead cycles', 'fixed cycles', 'utilization', 'DRAM', 'binding'], rows, 'networks'));
    var sum = { compute: 0, stall: 0, overhead: 0 };
    e.best.networks.forEach(function (n) { sum.compute += n.compute_cycles; sum.stall += n.memory_stall_cycles; sum.overhead += n.overhead_cycles + n.fixed_cycles; });
    var all = sum.compute + sum.stall + sum.overhead || 1;
    var binding = sum.compute >= sum.stall && sum.compute >= sum.overhead ? 'compute (the MAC lanes)' : sum.stall >= sum.overhead ? 'memory stall (DRAM/link transfers the schedule cannot hide)' : 'overhead (instruction issue, synchronisation, invocation and network I/O)';
    div.appendChild(el('p', { 'class': 'binding' }, 'Over all networks the best design spends ' + fmt(100 * sum.compute / all, 3) + ' % of its cycles computing, ' +
      fmt(100 * sum.stall / all, 3) + ' % in memory stalls and ' + fmt(100 * sum.overhead / all, 3) + ' % in overheads: the binding resource is ' + binding + '.'));
    div.appendChild(el('h4', {}, 'Per layer (best design; cycles of one execution; per network the ' + LAYERS_SHOWN + ' layers with the most cycles × repeat)'));
    var layerRows = [];
    e.best.networks.forEach(function (n) {
      e.best.layers.filter(function (l) { return l.workload === n.workload; })
        .map(function (l) { return [l, (l.compute_cycles + l.memory_stall_cycles + l.overhead_cycles) * l.repeat]; })
        .sort(function (a, b) { return b[1] - a[1]; }).slice(0, LAYERS_SHOWN)
        .forEach(function (x) {
          var l = x[0];
          layerRows.push({ cells: [l.workload + ' / ' + l.layer, String(l.repeat), String(l.compute_cycles), String(l.memory_stall_cycles), String(l.overhead_cycles), fmt(100 * l.utilization, 3) + ' %', bytes(l.dram_bytes), l.binding] });
        });
    });
    var wrap = el('div', { 'class': 'scroll' });
    wrap.appendChild(table(['layer', 'repeat', 'compute cycles', 'memory-stall cycles', 'overhead cycles', 'utilization', 'DRAM', 'binding'], layerRows, 'layers'));
    div.appendChild(wrap);
    return div;
  }

  function infeasibility(fp) {
    var div = el('div');
    div.appendChild(el('h3', {}, 'Infeasibility by network and layer'));
    var rows = D.infeasibility.filter(function (c) { return c.fingerprint === fp; }).slice(0, 20)
      .map(function (c) { return { cells: [c.stage, c.workload || '-', c.layer || '-', String(c.trials), fmt(100 * c.fraction, 3) + ' %'] }; });
    div.appendChild(rows.length ? table(['stage/level', 'network', 'layer', 'trials', 'of all trials'], rows, 'infeasibility') : el('p', {}, 'No trial was infeasible.'));
    return div;
  }

  function importance(fp) {
    var div = el('div');
    div.appendChild(el('h3', {}, 'Parameter importance (main-effect share of the feasible rewards\u2019 variance)'));
    var rows = D.importance.filter(function (x) { return x.fingerprint === fp; }).sort(function (a, b) { return b.share - a.share; });
    if (rows.length === 0) { div.appendChild(el('p', {}, 'Too few feasible trials to tell.')); return div; }
    var W = 640, H = 20 + 22 * rows.length, L = 150;
    var canvas = el('canvas', { width: W, height: H, 'class': 'chart', 'data-figure': 'importance-' + fp });
    var ctx = canvas.getContext('2d');
    ctx.font = '12px sans-serif';
    rows.forEach(function (r, i) {
      var y = 8 + i * 22;
      ctx.fillStyle = '#222'; ctx.textAlign = 'right'; ctx.fillText(r.parameter, L - 6, y + 12); ctx.textAlign = 'left';
      ctx.fillStyle = '#9467bd'; ctx.fillRect(L, y, (W - L - 60) * r.share, 14);
      ctx.fillStyle = '#222'; ctx.fillText(fmt(100 * r.share, 3) + ' %', L + 4 + (W - L - 60) * r.share, y + 12);
    });
    markRendered('importance-' + fp);
    div.appendChild(canvas);
    div.appendChild(el('p', { 'class': 'note' }, 'For each parameter: the variance over its values of the mean reward at that value, weighted by trial counts, over the variance of all feasible rewards (fANOVA-style first-order effects on the observed trials; values seen by fewer than 3 trials left out). Optimizers sample unevenly, so read these as hints.'));
    return div;
  }

  // ---- the page ------------------------------------------------------------------------------------------------
  var root = document.getElementById('interactive');
  var withMaps = D.studies.filter(function (s) { return s.embedding >= 0; });
  if (withMaps.length > 0) {
    controls(root);
    D.embeddings.forEach(function (e, k) {
      var studies = withMaps.filter(function (s) { return s.embedding === k; });
      if (studies.length > 0) { makeMap(k, studies, root); }
    });
  }

  architectViews(document.getElementById('architect'));
  redraw();

  // For readers and tests: where a point is drawn, in client coordinates.
  window.apolloReport = {
    pointPosition: function (study, trial) {
      for (var m = 0; m < maps.length; m++) {
        for (var s = 0; s < maps[m].studies.length; s++) {
          var st = maps[m].studies[s];
          var i = st.trial.indexOf(trial);
          if (st.name === study && i >= 0) {
            var r = maps[m].canvas.getBoundingClientRect();
            return { x: r.left + maps[m].px(st.x[i]), y: r.top + maps[m].py(st.y[i]) };
          }
        }
      }
      return null;
    },
  };
  document.body.dataset.setupMs = Math.round(performance.now() - started);
  document.body.dataset.ready = 'true';
})();
