/* Karabakh Conflict Map: the offline vector basemap (Natural Earth borders, coasts, rivers,
 * lakes and country names, cut at setup by src/assets/geodata.py into
 * window.kcmBasemapData) and the switch to it when map tiles cannot be loaded.
 * Python passes options only (src/mapview/basemap.py). */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  /* Flat delta-encoded integers -> [[lat, lon], ...] in degrees. */
  function unpack(flat, scale) {
    var out = [], lat = 0, lon = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) {
      lat += flat[i];
      lon += flat[i + 1];
      out.push([lat / scale, lon / scale]);
    }
    return out;
  }

  function pane(map, name, z) {
    if (!map.getPane(name)) {
      var p = map.createPane(name);
      p.style.zIndex = z;
      p.style.pointerEvents = "none";
    }
    return name;
  }

  /* One level's layers (fills, water, lines, names), built once when first shown. */
  function buildLevel(level, renderer, zoom) {
    var g = L.layerGroup(), s = level.scale;
    var base = {renderer: renderer, interactive: false, pane: "kcmBasemap"};
    function opts(extra) { return L.extend({}, base, extra); }
    level.land.forEach(function (ring) {
      L.polygon(unpack(ring, s), opts({className: "kcm-bm-land", stroke: false,
        fillColor: "#fbfaf6", fillOpacity: 1})).addTo(g);
    });
    level.lakes.forEach(function (lake) {
      L.polygon(unpack(lake.p, s), opts({className: "kcm-bm-lake", color: "#8fb0c8",
        weight: 0.8, fillColor: "#d3e3ee", fillOpacity: 1})).addTo(g);
    });
    level.rivers.forEach(function (r) {
      L.polyline(unpack(r.p, s), opts({className: "kcm-bm-river", color: "#7ea6c6",
        weight: Math.max(0.8, Math.min(2.4, r.w * 4)), opacity: 0.95})).addTo(g);
    });
    level.coasts.forEach(function (c) {
      L.polyline(unpack(c, s), opts({className: "kcm-bm-coast", color: "#8fb0c8",
        weight: 0.9})).addTo(g);
    });
    level.borders.forEach(function (b) {
      L.polyline(unpack(b, s), opts({className: "kcm-bm-border", color: "#77716a",
        weight: zoom >= 7 ? 1.6 : 1.1, dashArray: zoom >= 7 ? "6 2 1.5 2" : null})).addTo(g);
    });
    var names = zoom >= 8 && level.cellLabels.length ? level.cellLabels : level.labels;
    names.forEach(function (lab) {
      L.marker([lab.lat, lab.lon], {pane: "kcmBasemapLabels", interactive: false,
        keyboard: false, icon: L.divIcon({className: "kcm-bm-country-icon",
          iconSize: [0, 0], html: "<span class='kcm-bm-country'></span>"})})
        .on("add", function () {  // textContent: names are data, never markup
          var span = this._icon && this._icon.firstChild;
          if (span) span.textContent = lab.name;
        }).addTo(g);
    });
    level.lakes.forEach(function (lake) {
      if (!lake.name || zoom < 8) return;
      var pts = unpack(lake.p, s), bounds = L.latLngBounds(pts);
      L.marker(bounds.getCenter(), {pane: "kcmBasemapLabels", interactive: false,
        keyboard: false, icon: L.divIcon({className: "kcm-bm-country-icon",
          iconSize: [0, 0], html: "<span class='kcm-bm-water'></span>"})})
        .on("add", function () {
          var span = this._icon && this._icon.firstChild;
          if (span) span.textContent = lake.name;
        }).addTo(g);
    });
    return g;
  }

  /* Which level a zoom shows: 1:10m around the theatre, 1:50m zoomed out, 1:110m below. */
  function levelFor(zoom) {
    return zoom >= 7 ? "detail" : zoom >= 5 ? "overview" : "world";
  }

  var Basemap = L.Layer.extend({
    initialize: function (opts) {
      L.setOptions(this, opts);
      this._built = {};
      this._shown = null;
    },
    getAttribution: function () {
      var d = window.kcmBasemapData;
      return d ? d.attribution : this.options.missing;
    },
    onAdd: function (map) {
      pane(map, "kcmBasemap", 150);
      pane(map, "kcmBasemapLabels", 390);
      this._renderer = this._renderer || L.svg({pane: "kcmBasemap", padding: 0.3});
      L.DomUtil.addClass(map.getContainer(), "kcm-basemap-on");
      map.on("zoomend", this._update, this);
      map.on("moveend zoomend layeradd kcmcontrols", this._declutterSoon, this);
      this._update();
      window.kcm.basemap = this;
    },
    onRemove: function (map) {
      map.off("zoomend", this._update, this);
      map.off("moveend zoomend layeradd kcmcontrols", this._declutterSoon, this);
      if (this._shown) map.removeLayer(this._shown.group);
      this._shown = null;
      L.DomUtil.removeClass(map.getContainer(), "kcm-basemap-on");
    },
    /* What is drawn, for tests: the level and how many of each kind of path and name. */
    stats: function () {
      var map = this._map, out = {level: this._shown ? this._shown.name : null,
        borders: 0, coasts: 0, rivers: 0, lakes: 0, land: 0, countries: 0};
      if (!map) return out;
      var root = map.getContainer();
      ["border", "coast", "river", "lake", "land"].forEach(function (k) {
        out[k === "border" ? "borders" : k === "land" ? "land" : k + "s"] =
          root.querySelectorAll("path.kcm-bm-" + k).length;
      });
      out.countries = root.querySelectorAll(".kcm-bm-country").length;
      return out;
    },
    /* Country and lake names give way to everything else: a name whose box meets a marker,
     * a cluster, a place name or a control is hidden until the view changes. */
    _declutterSoon: function () {
      var self = this;
      if (self._pending) return;
      self._pending = true;
      requestAnimationFrame(function () { self._pending = false; self._declutter(); });
    },
    _declutter: function () {
      var map = this._map;
      if (!map) return;
      var root = map.getContainer();
      var others = [];
      root.querySelectorAll(".leaflet-marker-icon, .leaflet-tooltip, .leaflet-control")
        .forEach(function (el) {
          if (el.classList.contains("kcm-bm-country-icon")) return;
          var r = el.getBoundingClientRect();
          if (r.width || r.height) others.push(r);
        });
      var mine = root.querySelectorAll(".kcm-bm-country, .kcm-bm-water");
      var kept = [], frame = root.getBoundingClientRect();
      mine.forEach(function (span) {
        span.style.visibility = "visible";
        var r = span.getBoundingClientRect();
        var cut = r.left < frame.left || r.top < frame.top || r.right > frame.right ||
          r.bottom > frame.bottom;  // half a name at the edge reads as another word
        var hit = cut || others.concat(kept).some(function (o) {
          return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
        });
        span.style.visibility = hit ? "hidden" : "visible";
        if (!hit) kept.push(r);
      });
    },
    _update: function () {
      var d = window.kcmBasemapData, map = this._map;
      if (!d || !map) return;
      var zoom = map.getZoom(), name = levelFor(zoom);
      var key = name + (name === "detail" && zoom >= 8 ? "+" : "");
      if (this._shown && this._shown.key === key) return;
      if (this._shown) map.removeLayer(this._shown.group);
      if (!this._built[key]) this._built[key] = buildLevel(d.levels[name], this._renderer, zoom);
      this._shown = {name: name, key: key, group: this._built[key].addTo(map)};
    }
  });

  /* The offline basemap as a Leaflet layer (a base layer of the layer control). */
  kcm.basemapLayer = function (opts) { return new Basemap(opts); };

  /* Tiles that cannot be loaded (no internet, blocked) switch the map to `basemap`, once,
   * and a note says so on the map. A layer counts as unreachable after `errors` failed
   * tiles with none loaded, so one missing tile of a working layer never switches. */
  kcm.tileFallback = function (map, tiles, basemap, note, errors) {
    var state = {switched: false, failed: 0};
    window.kcm.tileFallback = state;
    tiles.forEach(function (t) {
      var loaded = 0, failed = 0;
      t.on("tileload", function () { loaded += 1; });
      t.on("tileerror", function () {
        failed += 1;
        state.failed += 1;
        if (state.switched || loaded > 0 || failed < errors || !map.hasLayer(t)) return;
        state.switched = true;
        map.removeLayer(t);
        map.addLayer(basemap);
        var ctl = L.control({position: "bottomleft"});
        ctl.onAdd = function () {
          var div = L.DomUtil.create("div", "kcm-bm-note");
          var text = L.DomUtil.create("span", "", div);
          text.textContent = note;
          div.title = "No internet, or the tile server is blocked. Tiles can be picked " +
            "again with the layers button.";
          var close = L.DomUtil.create("button", "kcm-bm-note-close", div);
          close.type = "button";
          close.title = "Close";
          close.textContent = "×";
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.on(close, "click", function () {
            map.removeControl(ctl);
            map.fire("kcmcontrols");
          });
          return div;
        };
        ctl.addTo(map);
        state.note = ctl;
        map.fire("kcmcontrols");  // the edge badges move off the new note
      });
    });
  };
})();
