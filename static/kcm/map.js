/* Karabakh Conflict Map: the map's own Leaflet code (claims layer, clusters, controls,
 * place dots; playback is in playback.js). Python only passes data to these functions (see
 * src/mapview/frontend.py); everything here is reached through the one global `kcm`. */
(function () {
  "use strict";
  /* Functions are set on the `window.kcm` of load time; `kcm.claimsLayer` replaces
   * `window.kcm` with a copy on each redraw, so read layers from `window.kcm` when called. */
  var kcm = (window.kcm = window.kcm || {});

  /* Boxes in pixels and whether two overlap: the place names (labels.js), the briefing's
   * names (briefing.js) and the region badges (regions.js) all place things clear of others. */
  kcm.box = function (x, y, w, h) { return {x: x, y: y, w: w, h: h}; };
  kcm.hits = function (a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  };

  /* A claim marker: the SVG icon is pre-escaped HTML from the payload's string table. */
  function claimMarker(latlng, iconHtml, title, id, popup) {
    var icon = L.divIcon({html: iconHtml, className: "kcm-marker",
      iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -9]});
    var m = L.marker(latlng, {icon: icon, title: title});
    m.kcmId = id;
    m.kcmCount = 1;
    m.bindPopup(popup, {maxWidth: 380, minWidth: 280});
    return m;
  }

  /* One marker per claim, popups filled from the template on opening, one pass, so a
   * fragment is never re-scanned for `{slot}` marks. */
  function claimMarkers(d) {
    var slot = {};
    d.slotNames.forEach(function (name, k) { slot[name] = d.popupSlots[k]; });
    function popupHtml(layer) {
      var i = layer.kcmIndex;
      return d.popupTemplate.replace(/\{(\w+)\}/g, function (_, name) {
        return d.strings[slot[name][i]];
      });
    }
    var markers = [];
    for (var i = 0; i < d.lat.length; i++) {
      var m = claimMarker([d.lat[i], d.lon[i]], d.strings[d.icons[i]],
        d.tooltipStrings[d.tooltips[i]], d.ids[i], popupHtml);
      m.kcmIndex = i;
      markers.push(m);
    }
    return markers;
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec"];
  function dayText(day) {
    var t = new Date(day * 86400000);
    return t.getUTCDate() + " " + MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
  }
  function countText(n) {
    return n < 10000 ? String(n) : n < 1e6 ? Math.round(n / 1000) + "k" :
      (n / 1e6).toFixed(1) + "M";
  }

  /* A breakdown (`[string index, count, …]`, OTHERS = -1 for the rest) as list items. */
  function breakdown(d, list, join) {
    var items = [];
    for (var k = 0; k < list.length; k += 2) {
      items.push(list[k] < 0 ? "<i>+" + list[k + 1] + " more</i>" :
        d.strings[list[k]] + " <span class='kcm-n'>×" + list[k + 1] + "</span>");
    }
    return items.join(join);
  }

  /* A group's (or an aggregate's) popup, built from its codes when it opens. */
  function groupPopup(d, g) {
    var s = d.strings, kind = d.kinds[d.kind[g]], p = d.point[g], n = d.count[g];
    var agg = d.mode === "aggregates";
    var from = d.day0 + d.first[g], to = from + d.span[g];
    var title = agg ?
      n + " claims at " + d.places[g] + " place" + (d.places[g] > 1 ? "s" : "") +
        " within ~" + d.cellKm + " km" :
      n + " claim" + (n > 1 ? "s" : "") + " — " + s[d.pointName[p]];
    var where = agg ?
      "a grid cell of ~" + d.cellKm + " km around " + d.lat[p].toFixed(2) + ", " +
        d.lon[p].toFixed(2) + " — not a located point: zoom in or narrow the filters" :
      s[d.pointName[p]] + " · location precision: " + s[d.pointPrecision[p]];
    return "<div class='kcm-popup kcm-group-popup'><div class='kcm-title'>" + s[kind[2]] +
      " " + title + "</div><table>" +
      "<tr><th>Type</th><td>" + s[kind[1]] + "</td></tr>" +
      "<tr><th>Claimant side</th><td>" + s[kind[0]] + "</td></tr>" +
      "<tr><th>Dates</th><td>" + dayText(from) +
        (to !== from ? " – " + dayText(to) : "") + "</td></tr>" +
      "<tr><th>Place</th><td>" + where + "</td></tr>" +
      "<tr><th>Claimants</th><td>" + breakdown(d, d.lists[d.claimants[g]], "<br>") +
        "</td></tr>" +
      "<tr><th>Status</th><td>" + breakdown(d, d.lists[d.verification[g]], " · ") +
        "</td></tr></table>" +
      "<div class='kcm-sources'>Sources:<ul><li>" +
        breakdown(d, d.lists[d.sources[g]], "</li><li>") + "</li></ul></div>" +
      "<div class='kcm-hint'>" + s[d.hint] + "</div></div>";
  }

  /* One marker per group (or aggregate), its count drawn on the icon. A click reports the
   * group's own point (not a spiderfied leg's) to streamlit-folium, for the details panel. */
  function groupMarkers(d) {
    var agg = d.mode === "aggregates", markers = [];
    function popup(layer) { return groupPopup(d, layer.kcmIndex); }
    function ownPoint(e) { e.latlng = L.latLng(this.kcmPoint); }
    for (var g = 0; g < d.point.length; g++) {
      var p = d.point[g], n = d.count[g], kind = d.kinds[d.kind[g]];
      var badge = n > 1 ? "<span class='kcm-badge'>×" + countText(n) + "</span>" : "";
      var size = agg ? 30 : 22;
      var icon = L.divIcon({html: d.strings[kind[2]] + badge,
        className: agg ? "kcm-marker kcm-aggregate" : "kcm-marker",
        iconSize: [size, size], iconAnchor: [size / 2, size / 2], popupAnchor: [0, -9]});
      var m = L.marker([d.lat[p], d.lon[p]], {icon: icon});
      m.kcmIndex = g;
      m.kcmCount = n;
      m.kcmPoint = [d.lat[p], d.lon[p]];
      m.kcmColour = d.strings[kind[3]];
      m.bindPopup(popup, {maxWidth: 400, minWidth: 290});
      m.on("click", ownPoint);
      markers.push(m);
    }
    return markers;
  }

  /* Every claim of the view into `cluster`, approximate-location halos into `group` (the
   * claims' feature group). The markers join the cluster only once the group is on the map:
   * markercluster checks each marker against all earlier ones while it is off the map
   * (quadratic: 10 s at 100k), and streamlit-folium adds the group last. When drawn, a new
   * `window.kcm` replaces the old (tests tell the views apart), with `count()`. */
  kcm.claimsLayer = function (group, cluster, d) {
    var t0 = performance.now();
    var markers = d.mode === "claims" ? claimMarkers(d) : groupMarkers(d);
    /* region-level claims: badges outside the cluster (static/kcm/regions.js) */
    var regions = d.regions && kcm.regionAreas ? kcm.regionAreas(d.regions) : null;
    var total = regions ? regions.total : 0;
    markers.forEach(function (m) { total += m.kcmCount; });
    var halos = L.layerGroup();
    d.halos.forEach(function (h) {
      L.circle([h[0], h[1]], {radius: h[2], color: "#555555", weight: 1,
        dashArray: "4 4", fill: true, fillOpacity: 0.06, interactive: true})
        .bindTooltip(d.strings[h[3]]).addTo(halos);
    });
    function draw() {
      var next = {}, old = window.kcm || {};
      Object.keys(old).forEach(function (k) { next[k] = old[k]; });
      next.claims = cluster;
      next.claimMarkers = markers;
      next.halos = halos;
      next.mode = d.mode;
      next.drawn = false;
      next.timing = {start: t0, built: performance.now() - t0};
      /* The claims the view represents, summed over what the cluster really holds. */
      next.regions = regions;
      next.count = function () {
        var n = regions ? regions.total : 0;
        cluster.getLayers().forEach(function (m) { n += m.kcmCount || 1; });
        return n;
      };
      window.kcm = next;
      cluster.options.chunkProgress = function (done, all) {
        if (done < all) return;
        next.drawn = true;
        next.timing.drawn = performance.now() - t0;
        if (window.console) console.log("kcm: " + markers.length + " markers, " + total +
          " claims drawn in " + Math.round(next.timing.drawn) + " ms");
        reportFirstView();
      };
      cluster.off("clusterclick", clusterClick).on("clusterclick", clusterClick);
      cluster.off("spiderfied", spiderInView).on("spiderfied", spiderInView);
      cluster.off("animationend spiderfied unspiderfied", relabel)
        .on("animationend spiderfied unspiderfied", relabel);
      if (markers.length) cluster.addLayers(markers);
      else cluster.options.chunkProgress(0, 0);
      halos.addTo(group);
      if (regions) regions.layer.addTo(group);
      /* claims outside the view: badges on the map's edge (static/kcm/offmap.js) */
      if (d.offmap && kcm.offmap) next.offmap = kcm.offmap(group, d.offmap);
    }
    if (group._map) draw(); else group.once("add", draw);
  };

  /* A page that drew its map before its filters (src/ui/shell.py, `prepare`) shows a
   * "Show the filters now" button in its sidebar, keyed FILTERS_PENDING (src/ui/sidebar.py,
   * `FILTERS_PENDING_KEY`; Streamlit classes a keyed element `st-key-<key>`). Once the claims
   * are drawn and the page still shows it, the map says so to Streamlit through
   * streamlit-folium's component API, once per frame, and that rerun draws the rest of the
   * page. The page is asked rather than the map's own arguments marked, so that the map is
   * the same message in both runs and Streamlit need not send it twice. streamlit-folium's
   * own last value is left as it was, so that its next report (a click) is compared with
   * that, not with this one. */
  var FILTERS_PENDING = "st-key-kcm_show_filters", reported = false;
  function reportFirstView() {
    var api = window.Streamlit, sent = window.__GLOBAL_DATA__, waiting = null;
    try {
      waiting = window.parent.document.querySelector("." + FILTERS_PENDING);
    } catch (e) { /* not inside the app's page */ }
    if (reported || !waiting || !api || !sent) return;
    reported = true;
    var value = {};
    Object.keys(sent.previous_data || {}).forEach(function (k) {
      value[k] = sent.previous_data[k];
    });
    value.kcm_drawn = true;
    api.setComponentValue(value);
  }

  /* Names are placed again once markercluster has redrawn (its animations end after the
   * map's zoomend), see static/kcm/labels.js. */
  function relabel() {
    var labels = window.kcm && window.kcm.labels;
    if (labels) labels.place();
  }

  /* Room kept between a cluster's members and the map's edge after a click: the corners hold
   * the zoom buttons, the legend and the scale. */
  function edgePadding(map) {
    var size = map.getSize();
    return L.point(Math.min(56, size.x / 6), Math.min(48, size.y / 6));
  }

  /* A cluster click shows every member inside the map: the map fits the members' bounds,
   * with room to the edges; members that share one point (or a cluster at the deepest zoom,
   * or one whose fit would not zoom in) are spread out instead (spiderfied). markercluster's
   * own zoom went to the first zoom at which the cluster split, centred on the cluster, so
   * members could land off the map and a stacked cluster spiderfied at street level. */
  function clusterClick(e) {
    var c = e.layer, map = c._map || this._map, b = c.getBounds(), pad = edgePadding(map);
    var onePoint = b.getNorthEast().equals(b.getSouthWest());
    var zoom = onePoint ? map.getMaxZoom() : map.getBoundsZoom(b, false, pad.multiplyBy(2));
    if (onePoint || zoom <= map.getZoom() || map.getZoom() >= map.getMaxZoom()) {
      c.spiderfy();
      return;
    }
    map.fitBounds(b, {padding: pad, maxZoom: map.getMaxZoom()});
  }

  /* A spiderfied cluster's legs are moved into view (a long spiral at a map edge spilled
   * off it): the map pans, without zooming, by what brings their box inside. */
  function spiderInView(e) {
    var map = this._map, pad = edgePadding(map), size = map.getSize();
    if (!map || !e.markers || !e.markers.length) return;
    var pts = e.markers.map(function (m) { return map.latLngToContainerPoint(m.getLatLng()); });
    var x0 = Math.min.apply(null, pts.map(function (p) { return p.x; })) - 16;
    var x1 = Math.max.apply(null, pts.map(function (p) { return p.x; })) + 16;
    var y0 = Math.min.apply(null, pts.map(function (p) { return p.y; })) - 16;
    var y1 = Math.max.apply(null, pts.map(function (p) { return p.y; })) + 16;
    function shift(lo, hi, extent, room) {
      if (hi - lo > extent - 2 * room) return (lo + hi) / 2 - extent / 2;  // centre it
      return lo < room ? lo - room : hi > extent - room ? hi - (extent - room) : 0;
    }
    var dx = shift(x0, x1, size.x, Math.min(pad.x, 24)), dy = shift(y0, y1, size.y, Math.min(pad.y, 24));
    if (dx || dy) map.panBy([dx, dy], {animate: false});
  }

  /* MarkerCluster's iconCreateFunction: neutral grey bubbles of class `className` (the
   * default green/yellow/orange would read as claimant sides) showing the claims inside,
   * the sum of the members' counts (a group marker stands for several claims). */
  kcm.clusterIcon = function (className) {
    return function (cluster) {
      var ms = cluster.getAllChildMarkers(), n = 0;
      for (var i = 0; i < ms.length; i++) n += ms[i].kcmCount || 1;
      var size = n < 10 ? 30 : n < 100 ? 36 : n < 10000 ? 42 : 48;
      return L.divIcon({html: "<div><span>" + countText(n) + "</span></div>",
        className: className, iconSize: L.point(size, size)});
    };
  };

  /* A control at `position` holding fixed, already escaped HTML (the legend). */
  kcm.control = function (map, html, position, className) {
    var ctl = L.control({position: position});
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", className);
      div.innerHTML = html;
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
    return ctl;
  };

  /* Focus on the map never scrolls the page: Leaflet focuses the map on mouse down and
   * restores only the window's scroll, while Streamlit scrolls its own main block; the page
   * moving between mouse down and up turned a click on a marker into a click on the map. */
  kcm.stillFocus = function (map) {
    var el = map.getContainer();
    el.focus = function (options) {
      HTMLElement.prototype.focus.call(el, Object.assign({}, options, {preventScroll: true}));
    };
  };

  /* A place's tooltip from its escaped parts (the payload sends parts, not HTML). */
  function placeTip(d, i) {
    return "<b>" + d.place[i] + "</b>" + (d.also[i] ? "<br>also: " + d.also[i] : "") +
      "<br>" + d.kinds[d.kind[i]] + "<br>" + d.claims[i] + " claim(s) in the data";
  }

  /* Gazetteer places as small dots with their details on hover; the named ones get a name
   * from kcm.placeLabels (static/kcm/labels.js), which keeps names from colliding. */
  kcm.placeDots = function (layer, d) {
    for (var i = 0; i < d.lat.length; i++) {
      L.circleMarker([d.lat[i], d.lon[i]], {radius: 3, color: "#333333",
        weight: 1, fillColor: "#ffffff", fillOpacity: 1})
        .bindTooltip(placeTip(d, i)).addTo(layer);
    }
    if (!d.order || !d.order.length || !kcm.placeLabels) return;
    function start() { kcm.placeLabels(layer._map, d, layer); }
    if (layer._map) start(); else layer.once("add", start);
  };

  /* The claim marker, for playback (static/kcm/playback.js). */
  kcm.claimMarker = claimMarker;
})();
