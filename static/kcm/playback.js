/* Karabakh Conflict Map: playback, the window's claims stepped through with a time slider.
 * Leaflet.Timeline decides which claims are on at the slider's time; they are mirrored into
 * a marker cluster (so claims at one place read as one numbered bubble, not a stack of
 * icons). The slider sits top left, under the zoom buttons: at the bottom it covered the
 * theatre's southern places (Lachin, Goris, Kornidzor). Inside the app the slider's day is kept in the page's address (`at=`), so a copied
 * link opens at the same day. Python passes the data (src/mapview/playback.py). */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});
  var DAY = 86400000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec"];
  /* Fewest ms between two writes of the address (browsers throttle history updates). */
  var WRITE_MS = 250;

  function dayOf(ms) { return Math.floor(ms / DAY) * DAY; }
  function dayText(ms) {
    var t = new Date(dayOf(ms));
    return t.getUTCDate() + " " + MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
  }
  function isoDay(ms) { return new Date(dayOf(ms)).toISOString().slice(0, 10); }
  function parseDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return null;
    var t = Date.parse(text + "T00:00:00Z");
    return isNaN(t) ? null : t;
  }

  /* The app's page when the map runs inside it (streamlit-folium's frame has the app's
   * origin), else null: an exported file has no address to keep. */
  function appWindow() {
    try {
      if (window.parent !== window && window.parent.location.search !== undefined) {
        return window.parent;
      }
    } catch (e) { /* another origin */ }
    return null;
  }

  /* Writes `at=` into the app's address, at most every WRITE_MS (the last day wins). */
  function addressWriter(app) {
    var pending = null, timer = null;
    function flush() {
      timer = null;
      var params = new URLSearchParams(app.location.search);
      if (params.get("at") === pending) return;
      params.set("at", pending);
      app.history.replaceState(app.history.state, "",
        app.location.pathname + "?" + params.toString() + app.location.hash);
    }
    return function (ms) {
      pending = isoDay(ms);
      if (timer === null) timer = setTimeout(flush, WRITE_MS);
    };
  }

  /* Stops a playback whose map was replaced (streamlit-folium swaps the map, not the frame,
   * so its timer and key listener would go on, writing an old day into the address). */
  function retire(slider) {
    if (!slider || slider.kcmRetired) return;
    slider.kcmRetired = true;
    slider.play = function () {};  // a step already scheduled finds nothing to do
    slider.pause();
    if (slider.options.enableKeyboardControls) slider._removeKeyListeners();
  }

  /* Playback of `data` (GeoJSON, properties start/end in ms) on `map`; `o` holds the
   * slider's start, end, steps, duration, the starting day `at` (or null) and the cluster
   * bubbles' class. The day in the app's address wins over `o.at` when inside the window
   * (the map is redrawn when a setting changes, and should carry on where it was). */
  kcm.playback = function (map, data, o) {
    retire(window.kcmPlayback);
    var cluster = L.markerClusterGroup({iconCreateFunction: kcm.clusterIcon(o.clusterClass),
      spiderfyOnMaxZoom: true, showCoverageOnHover: false, maxClusterRadius: 35});
    var timeline = L.timeline(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        return kcm.claimMarker(latlng, p.icon, p.tip, p.event_id, p.popup);
      }
    });
    var shown = {};
    /* The timeline's layers (it is never on the map itself) into the cluster, as a diff. */
    function sync() {
      var now = {}, add = [], drop = [];
      timeline.getLayers().forEach(function (layer) {
        var id = L.stamp(layer);
        now[id] = layer;
        if (!shown[id]) add.push(layer);
      });
      Object.keys(shown).forEach(function (id) { if (!now[id]) drop.push(shown[id]); });
      if (drop.length) cluster.removeLayers(drop);
      if (add.length) cluster.addLayers(add);
      shown = now;
    }
    timeline.on("change", sync);
    var slider = L.timelineSliderControl({
      start: o.start, end: o.end, steps: o.steps, duration: o.duration,
      showTicks: o.ticks, enableKeyboardControls: true, position: "topleft",
      formatOutput: function (ms) {
        var n = cluster.getLayers().length;
        return "<b>" + dayText(ms) + "</b> · " + n + " claim" + (n === 1 ? "" : "s") + " on";
      }
    });
    cluster.addTo(map);
    slider.addTo(map);
    L.DomUtil.addClass(slider.getContainer(), "kcm-playback");
    L.DomEvent.disableScrollPropagation(slider.getContainer());
    slider.addTimelines(timeline);

    var app = appWindow();
    var linked = app ? parseDay(new URLSearchParams(app.location.search).get("at")) : null;
    var inside = function (ms) { return ms !== null && ms >= o.start && ms <= o.end; };
    var at = inside(linked) ? linked : inside(o.at) ? o.at : o.start;
    slider.setTime(at);
    window.kcmPlayback = slider;
    if (app) {
      var write = addressWriter(app);
      if (linked !== null && linked !== at) write(at);  // a day outside this window: fixed
      timeline.on("change", function () {
        if (!document.body.contains(slider.getContainer())) retire(slider);
        if (!slider.kcmRetired) write(timeline.time);
      });
    }

    var next = {}, old = window.kcm || {};
    Object.keys(old).forEach(function (k) { next[k] = old[k]; });
    next.mode = "playback";
    next.claims = cluster;
    next.timeline = timeline;
    next.slider = slider;
    next.drawn = true;
    /* The claims on at the slider's time (what the cluster holds). */
    next.count = function () { return cluster.getLayers().length; };
    Object.defineProperty(next, "claimMarkers", {
      get: function () { return cluster.getLayers(); }, enumerable: true
    });
    window.kcm = next;
  };
})();
