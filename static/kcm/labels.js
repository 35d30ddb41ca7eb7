/* Karabakh Conflict Map: place names that never cover each other, a marker or a control.
 *
 * Leaflet's permanent tooltips are placed once, on one side, and smear into each other when
 * the map is zoomed out. Here the names live in one pane and are placed again after every
 * zoom and pan, in priority order (Python sends them most claimed first): each name takes
 * the first spot around its dot that is inside the map and clear of every drawn marker or
 * cluster icon, place dot, map control and name already placed; a name with no such spot is
 * hidden until a later zoom makes room. The cost is one pass over at most LABEL_BUDGET
 * names against the drawn icons (a few hundred boxes): under a millisecond per name. */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  var box = kcm.box, hits = kcm.hits;  // from map.js, which every map element loads first
  /* A DOM element's box in the map container's pixels. */
  function rectIn(el, origin) {
    var r = el.getBoundingClientRect();
    return box(r.left - origin.left, r.top - origin.top, r.width, r.height);
  }

  /* Closer than this (px) to a named dot, a dot keeps no name of its own. */
  var CROWDED_PX = 30;

  /* Spots around a dot for a name w×h, nearest first; `left` puts the west side first. */
  function spots(w, h, left) {
    var out = [];
    [6, 14, 25].forEach(function (g) {
      var east = [g, -h / 2], west = [-w - g, -h / 2];
      out.push(left ? west : east, left ? east : west,
        [-w / 2, -h - g + 2], [-w / 2, g - 2],
        [g - 3, -h - g + 5], [g - 3, g - 5], [-w - g + 3, -h - g + 5], [-w - g + 3, g - 5]);
    });
    return out;
  }

  /* The box of a marker's icon where it will be drawn, from its position and its icon's
   * size and anchor (not from the DOM, where markercluster may still be animating it); a
   * count badge (large views) sticks out to the upper right. */
  function iconBox(map, layer) {
    var icon = layer._iconObj || layer.options.icon;  // a cluster's icon is in _iconObj
    var o = icon && icon.options;
    if (!o || !o.iconSize) return null;
    var size = L.point(o.iconSize || [12, 12]);
    var anchor = o.iconAnchor ? L.point(o.iconAnchor) : size.divideBy(2);
    var p = map.latLngToContainerPoint(layer.getLatLng()).subtract(anchor);
    var out = [box(p.x, p.y, size.x, size.y)];
    if (layer.kcmCount > 1) out.push(box(p.x + size.x / 2 + 3, p.y - 8, 34, 14));
    return out;
  }

  /* Every box a name must not cover: drawn marker and cluster icons (with their count
   * badges), the gazetteer's dots and the map's controls (legend, zoom, scale...). */
  function obstacles(map, dots, origin) {
    var out = [], size = map.getSize(), view = box(-40, -40, size.x + 80, size.y + 80);
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.Marker) || layer.options.pane !== "markerPane") return;
      (iconBox(map, layer) || []).forEach(function (b) { if (hits(b, view)) out.push(b); });
    });
    dots.forEach(function (ll) {
      var p = map.latLngToContainerPoint(ll);
      if (p.x > -8 && p.y > -8 && p.x < size.x + 8 && p.y < size.y + 8) {
        out.push(box(p.x - 4, p.y - 4, 8, 8));
      }
    });
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    for (var c = 0; c < controls.length; c++) {
      var r = rectIn(controls[c], origin);
      if (r.w && r.h) out.push(r);
    }
    return out;
  }

  /* Names for the place dots of `d` (PlaceDotsPayload) on `map`, shown while `layer` (the
   * dots' layer) is: `d.order` lists the named dots, most claimed first; `d.left` those
   * whose name should try the west side first. */
  kcm.placeLabels = function (map, d, layer) {
    var pane = map.getPane("kcmLabels") || map.createPane("kcmLabels");
    pane.style.zIndex = 550;  // above routes and halos, below markers, popups and tooltips
    pane.style.pointerEvents = "none";
    var left = {};
    (d.left || []).forEach(function (i) { left[i] = true; });
    var dots = [];
    for (var i = 0; i < d.lat.length; i++) dots.push(L.latLng(d.lat[i], d.lon[i]));
    var labels = d.order.map(function (i) {
      var el = L.DomUtil.create("span", "kcm-place-label", pane);
      el.innerHTML = d.names[i];  // escaped in Python
      el.style.visibility = "hidden";
      return {i: i, el: el, latlng: dots[i], left: !!left[i], w: 0, h: 0};
    });
    /* What tests and the page read: names shown and hidden at the last placement, how many
     * placements, the map's zoomend count then and now, and whether one is pending. */
    var state = {shown: 0, hidden: [], placed: 0, zooms: 0, placedAtZoom: -1, pending: false};

    function place() {
      var container = map.getContainer(), origin = container.getBoundingClientRect();
      var size = map.getSize(), taken = obstacles(map, dots, origin), shown = 0, hidden = [];
      var named = [];
      labels.forEach(function (lab) {
        if (!lab.w) { lab.w = lab.el.offsetWidth; lab.h = lab.el.offsetHeight; }
        var p = map.latLngToContainerPoint(lab.latlng), pick = null;
        // a dot this close to one already named cannot be told apart from it (zoomed out,
        // a second name would sit by someone else's marker)
        var crowded = named.some(function (q) { return p.distanceTo(q) < CROWDED_PX; });
        if (!crowded && p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y) {
          var options = spots(lab.w, lab.h, lab.left);
          for (var k = 0; k < options.length && !pick; k++) {
            var b = box(p.x + options[k][0], p.y + options[k][1], lab.w, lab.h);
            var inside = b.x >= 0 && b.y >= 0 && b.x + b.w <= size.x && b.y + b.h <= size.y;
            if (inside && !taken.some(function (t) { return hits(b, t); })) pick = b;
          }
        }
        if (!pick) {
          lab.el.style.visibility = "hidden";
          hidden.push(lab.el.textContent);
          return;
        }
        taken.push(pick);
        named.push(p);
        // the pane moves with the map: its own coordinates are the layer's
        var at = map.containerPointToLayerPoint([pick.x, pick.y]);
        L.DomUtil.setPosition(lab.el, at);
        lab.el.style.visibility = "visible";
        shown += 1;
      });
      state.shown = shown;
      state.hidden = hidden;
      state.placed += 1;
      state.placedAtZoom = state.zooms;
      pane.style.visibility = "";
    }

    var pending = 0, on = true;
    /* Again once Leaflet has drawn (a frame later), once per burst of events. */
    function later() {
      if (pending || !on) return;
      state.pending = true;
      pending = requestAnimationFrame(function () {
        pending = 0;
        state.pending = false;
        if (on) place();
      });
    }
    map.on("zoomstart", function () { pane.style.visibility = "hidden"; });
    map.on("zoomend", function () { state.zooms += 1; });
    map.on("zoomend moveend resize layeradd layerremove kcmlegendtoggle", later);
    if (layer) {
      layer.on("remove", function () { on = false; pane.style.display = "none"; });
      layer.on("add", function () { on = true; pane.style.display = ""; later(); });
    }
    state.place = later;  // markercluster's animations end after zoomend: map.js calls it
    window.kcm.labels = state;  // kcm.claimsLayer copies it into each new window.kcm
    later();
    return state;
  };
})();
