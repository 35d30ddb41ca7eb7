/* Karabakh Conflict Map: claims outside the view as badges on the map's edge, each pointing
 * to its place (Yerevan, Baku, Moscow…) with the count; near ones merge; a click frames the
 * view and those places. Redrawn after every pan and zoom. Data: src/mapview/offmap.py. */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});
  var INSET = 30, MERGE_PX = 70;

  /* Where the ray from the centre `c` towards `p` leaves the box inset from the edges. */
  function edgePoint(c, p, w, h) {
    var dx = p.x - c.x, dy = p.y - c.y;
    var tx = dx > 0 ? (w - INSET - c.x) / dx : dx < 0 ? (INSET - c.x) / dx : Infinity;
    var ty = dy > 0 ? (h - INSET - c.y) / dy : dy < 0 ? (INSET - c.y) / dy : Infinity;
    var t = Math.min(tx, ty);
    return L.point(c.x + dx * t, c.y + dy * t);
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Badges for `d` (OffmapPayload) while `group` (the claims layer) is on its map. */
  kcm.offmap = function (group, d) {
    var map = group._map;
    if (!map) return null;
    var box = L.DomUtil.create("div", "kcm-offmap", map.getContainer());
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var state = {box: box, badges: []};

    function draw() {
      box.innerHTML = "";
      state.badges = [];
      var size = map.getSize(), bounds = map.getBounds(), c = size.divideBy(2);
      var buckets = [];
      for (var i = 0; i < d.lat.length; i++) {
        var ll = L.latLng(d.lat[i], d.lon[i]);
        if (bounds.contains(ll)) continue;
        var p = map.latLngToContainerPoint(ll), at = edgePoint(c, p, size.x, size.y);
        var into = null;
        for (var k = 0; k < buckets.length && !into; k++) {
          if (buckets[k].at.distanceTo(at) < MERGE_PX) into = buckets[k];
        }
        if (!into) buckets.push(into = {at: at, to: p, items: [], n: 0});
        into.items.push(i);
        into.n += d.counts[i];
      }
      var controls = [];
      map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (r.width && r.height) controls.push(r);
      });
      var origin = map.getContainer().getBoundingClientRect();
      buckets.forEach(function (b) {
        var el = L.DomUtil.create("button", "kcm-offmap-badge", box);
        el.type = "button";
        var names = b.items.slice(0, 2).map(function (i) {
          return d.names[i] + " <b>" + d.counts[i] + "</b>";
        }).join(", ");
        if (b.items.length > 2) names += ", +" + (b.items.length - 2);
        var angle = Math.atan2(b.to.y - b.at.y, b.to.x - b.at.x) * 180 / Math.PI;
        el.innerHTML = "<span class='kcm-offmap-arrow' style='transform:rotate(" +
          angle.toFixed(0) + "deg)'>➜</span><span>" + names + "</span>";
        el.title = "Outside the view: " + b.items.map(function (i) {
          return d.titles[i] + " (" + d.counts[i] + " claim" +
            (d.counts[i] === 1 ? "" : "s") + ")";
        }).join(", ") + ". Click to show them on the map.";
        /* centred on its edge point, kept inside the map and off the controls */
        var w = el.offsetWidth, h = el.offsetHeight;
        var x0 = Math.min(Math.max(b.at.x - w / 2, 4), size.x - w - 4);
        var y0 = Math.min(Math.max(b.at.y - h / 2, 4), size.y - h - 4);
        var x = x0, y = y0;
        var vertical = b.at.x <= INSET + 1 || b.at.x >= size.x - INSET - 1;
        for (var step = 0; step < 80; step++) {
          var r = {left: origin.left + x, top: origin.top + y, right: origin.left + x + w,
            bottom: origin.top + y + h};
          var hit = controls.concat(state.badges.map(function (s) { return s.rect; }))
            .some(function (o) { return overlaps(r, o); });
          if (!hit) break;
          var dir = step % 2 ? -1 : 1, shift = (Math.floor(step / 2) + 1) * 14 * dir;
          if (vertical) y = Math.min(Math.max(y0 + shift, 4), size.y - h - 4);
          else x = Math.min(Math.max(x0 + shift, 4), size.x - w - 4);
        }
        el.style.left = x + "px";
        el.style.top = y + "px";
        var rect = {left: origin.left + x, top: origin.top + y, right: origin.left + x + w,
          bottom: origin.top + y + h};
        state.badges.push({el: el, rect: rect, n: b.n, items: b.items});
        L.DomEvent.on(el, "click", function () {
          var target = map.getBounds();
          b.items.forEach(function (i) { target.extend([d.lat[i], d.lon[i]]); });
          map.fitBounds(target, {padding: [40, 40]});
        });
      });
    }

    /* The claims the badges stand for (tests compare it with the places off the view). */
    state.count = function () {
      var n = 0;
      state.badges.forEach(function (b) { n += b.n; });
      return n;
    };
    /* Controls change size after the badges are placed (the legend's fonts and icons load,
     * the fallback's note appears): place the badges again whenever one does. */
    var pending = false;
    function soon() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; draw(); });
    }
    var watcher = window.ResizeObserver ? new ResizeObserver(soon) : null;
    function watchControls() {
      if (!watcher) return;
      map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
        watcher.observe(el);
      });
    }
    function controlsChanged() { watchControls(); soon(); }
    map.on("moveend zoomend resize", draw);
    map.on("kcmcontrols", controlsChanged);
    watchControls();
    soon();  // again once the map's controls are laid out
    group.once("remove", function () {
      map.off("moveend zoomend resize", draw);
      map.off("kcmcontrols", controlsChanged);
      if (watcher) watcher.disconnect();
      L.DomUtil.remove(box);
    });
    draw();
    return state;
  };
})();
