/* Karabakh Conflict Map: the briefing frame's own code. A still image has no tooltips, no
 * popups and (offline) no basemap, so the frame writes place names on the map, draws each
 * cluster as a ring of claimant-side colours, and says when it is ready to be photographed
 * (window.kcmBriefing.ready). Python passes the data only (src/briefing/mapscript.py). */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  var box = kcm.box, hits = kcm.hits;  // from map.js, which every map element loads first

  /* A cluster icon: a conic ring of the sides of its claims with the count in the middle. */
  function ringIcon(colours) {
    return function (cluster) {
      var ms = cluster.getAllChildMarkers(), n = 0, by = {}, order = [];
      ms.forEach(function (m) {  // a group marker (large views) has its side's colour
        var c = colours[m.kcmId] || m.kcmColour || "#999999", k = m.kcmCount || 1;
        if (!(c in by)) { by[c] = 0; order.push(c); }
        by[c] += k;
        n += k;
      });
      order.sort();
      var at = 0, stops = [];
      order.forEach(function (c) {
        var to = at + 100 * by[c] / n;
        stops.push(c + " " + at.toFixed(2) + "% " + to.toFixed(2) + "%");
        at = to;
      });
      var size = n < 10 ? 44 : 52;
      return L.divIcon({
        html: "<div class='kcm-ring' style='width:" + size + "px;height:" + size +
          "px;background:conic-gradient(" + stops.join(",") + ")'><span>" + n +
          "</span></div>",
        className: "kcm-bf-cluster", iconSize: [size, size]
      });
    };
  }

  /* Where a name may sit around its point, in order of preference. */
  function spotsFor(spec, w, h) {
    var g = spec.claims ? 15 : 9;
    if (spec.area) return [[-w / 2, 32], [-w / 2, -h - 32], [36, -h / 2], [-w - 36, -h / 2]];
    return [[g, -h / 2], [-w - g, -h / 2], [-w / 2, g - 1], [-w / 2, -h - g + 1],
      [g - 2, -h - 3], [g - 2, 3], [-w - g + 2, 3], [-w - g + 2, -h - 3],
      [g + 16, -h / 2], [-w - g - 16, -h / 2], [g + 6, 10], [-w - g - 6, 10],
      [g + 6, -h - 10], [-w - g - 6, -h - 10]];
  }

  /* Cluster rings, place names and the ready signal for `map`; see BriefingScript. */
  kcm.briefing = function (map, cfg) {
    var st = window.kcmBriefing = {ready: false, markers: 0, tilesTimedOut: false,
      map: map, labelsShown: 0, labelsHidden: []};
    var pane = map.createPane("kcmLabels");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    var labels = cfg.labels.map(function (p) {
      var icon = L.divIcon({html: "<span class='" + p.css + "'>" + p.html + "</span>",
        className: "kcm-label-icon", iconSize: [0, 0], iconAnchor: [0, 0]});
      var m = L.marker([p.lat, p.lon], {icon: icon, pane: "kcmLabels",
        interactive: false, keyboard: false});
      m.kcmLabel = p;
      return m.addTo(map);
    });

    function obstacles() {
      var out = [];
      var claims = window.kcm.claims;  // kcm.claimsLayer replaces window.kcm when drawn
      if (claims) claims._featureGroup.eachLayer(function (l) {
        if (!l._icon) return;
        var p = map.latLngToContainerPoint(l.getLatLng());
        var s = l instanceof L.MarkerCluster ? 50 : 28;
        out.push(box(p.x - s / 2, p.y - s / 2, s, s));
      });
      if (window.kcm.places) window.kcm.places.eachLayer(function (l) {
        var p = map.latLngToContainerPoint(l.getLatLng());
        out.push(box(p.x - 5, p.y - 5, 10, 10));
      });
      // what sits over the map: its title plate and controls (north arrow, scale, credits),
      // measured on screen, where the whole frame may be scaled
      var el = map.getContainer(), at = el.getBoundingClientRect();
      var s = at.width / (el.offsetWidth || at.width || 1);
      var over = el.parentNode.querySelectorAll(".kcm-bf-maptitle, .leaflet-control");
      for (var i = 0; i < over.length; i++) {
        var r = over[i].getBoundingClientRect();
        if (r.width && r.height) {
          out.push(box((r.left - at.left) / s, (r.top - at.top) / s, r.width / s, r.height / s));
        }
      }
      return out;
    }

    /* Each name takes the first spot that covers no marker, cluster, place or earlier name;
     * names marked `always` fall back to the first spot that covers no earlier name (a
     * marker's edge rather than unreadable text), the others are hidden. */
    function placeLabels() {
      var taken = obstacles(), size = map.getSize(), hidden = [], shown = 0, names = [];
      labels.forEach(function (m) {
        var span = m._icon && m._icon.firstChild;
        if (!span) return;
        var p = map.latLngToContainerPoint(m.getLatLng());
        var w = span.offsetWidth, h = span.offsetHeight;
        var spots = spotsFor(m.kcmLabel, w, h);
        var pick = null;
        for (var i = 0; i < spots.length && pick === null; i++) {
          var b = box(p.x + spots[i][0], p.y + spots[i][1], w, h);
          var inside = b.x >= 0 && b.y >= 0 && b.x + w <= size.x && b.y + h <= size.y;
          if (inside && !taken.some(function (t) { return hits(b, t); })) pick = i;
        }
        for (var j = 0; j < spots.length && pick === null && m.kcmLabel.always; j++) {
          var c = box(p.x + spots[j][0], p.y + spots[j][1], w, h);
          if (!names.some(function (t) { return hits(c, t); })) pick = j;
        }
        if (pick === null) {
          span.style.visibility = "hidden";
          hidden.push(m.kcmLabel.name);
          return;
        }
        span.style.visibility = "visible";
        span.style.left = spots[pick][0] + "px";
        span.style.top = spots[pick][1] + "px";
        taken.push(box(p.x + spots[pick][0], p.y + spots[pick][1], w, h));
        names.push(taken[taken.length - 1]);
        shown += 1;
      });
      st.labelsShown = shown;
      st.labelsHidden = hidden;
    }

    function settled(then) {
      var t0 = Date.now();
      (function poll() {
        var claims = window.kcm.claims;
        var busy = claims && (claims._inZoomAnimation > 0 ||
          L.DomUtil.hasClass(map.getPane("mapPane"), "leaflet-cluster-anim"));
        if (busy && Date.now() - t0 < 5000) return setTimeout(poll, 50);
        requestAnimationFrame(function () { requestAnimationFrame(then); });
      })();
    }

    function whenTiles(then) {
      var t0 = Date.now();
      (function poll() {
        var busy = false;
        map.eachLayer(function (l) {
          if (l instanceof L.GridLayer && l.isLoading && l.isLoading()) busy = true;
        });
        if (!busy) return then();
        if (Date.now() - t0 > cfg.tileWaitMs) {
          st.tilesTimedOut = true;
          return then();
        }
        setTimeout(poll, 100);
      })();
    }

    var t0 = Date.now();
    (function waitMarkers() {
      var claims = window.kcm.claims, count = window.kcm.count;
      var n = count ? count() : -1;
      if (n < cfg.expected && Date.now() - t0 < 15000) return setTimeout(waitMarkers, 50);
      st.markers = n;
      if (claims) {
        claims.options.iconCreateFunction = ringIcon(cfg.colours);
        claims.refreshClusters();
      }
      settled(function () {
        placeLabels();
        map.on("moveend", function () { settled(placeLabels); });
        whenTiles(function () {
          settled(function () {
            st.ready = true;
            document.documentElement.setAttribute("data-kcm-ready", "1");
          });
        });
      });
    })();
  };

  /* Scales the 1920x1080 frame to the window (in-app iframe, a downloaded file in a
   * browser) and shrinks the panel's font, never below `minPx`, if a long source list would
   * overflow. */
  kcm.fitFrame = function (id, width, height, panelPx, minPx) {
    var f = document.getElementById(id);
    function fit() {
      var s = Math.min(window.innerWidth / width, window.innerHeight / height);
      if (!isFinite(s) || s <= 0) s = 1;
      f.style.transform = Math.abs(s - 1) < 0.001 ? "" : "scale(" + s + ")";
      f.style.left = Math.max(0, (window.innerWidth - width * s) / 2) + "px";
    }
    /* Embedded in the dashboard: 16:9 of its width, but no taller than the window below the
     * frame's top, so the whole frame, footer included, shows without scrolling (at 1280×720
     * the footer was below the fold); the frame is then scaled down and centred. */
    function fitHost() {
      try {
        var host = window.frameElement;
        if (!host) return;
        var top = host.getBoundingClientRect().top;
        var room = window.parent.innerHeight - Math.max(0, top) - 8;
        var want = Math.round(host.clientWidth * height / width);
        if (room >= 240) want = Math.min(want, Math.round(room));
        if (want > 0 && Math.abs(host.clientHeight - want) > 2) host.style.height = want + "px";
      } catch (e) { /* a cross-origin host keeps the height it gave */ }
    }
    function shrink(el, px, min) {
      while (el.scrollHeight > el.clientHeight + 1 && px > min) {
        px -= 0.5;
        el.style.fontSize = px + "px";
      }
      if (el.scrollHeight > el.clientHeight + 1) el.setAttribute("data-overflow", "1");
    }
    shrink(f.querySelector(".kcm-bf-panel"), panelPx, minPx);
    fitHost();
    fit();
    window.addEventListener("resize", function () { fitHost(); fit(); });
    try {
      window.parent.addEventListener("resize", function () { fitHost(); fit(); });
    } catch (e) { /* a cross-origin host: its own size only */ }
  };
})();
