/* Karabakh Conflict Map: the map's own Leaflet code (claims layer, clusters, controls,
 * place dots, playback markers). Python only passes data to these functions (see
 * src/mapview/frontend.py); everything here is reached through the one global `kcm`. */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  /* A claim marker: the SVG icon is pre-escaped HTML from the payload's string table. */
  function claimMarker(latlng, iconHtml, title, id, popup) {
    var icon = L.divIcon({html: iconHtml, className: "kcm-marker",
      iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -9]});
    var m = L.marker(latlng, {icon: icon, title: title});
    m.kcmId = id;
    m.bindPopup(popup, {maxWidth: 380, minWidth: 280});
    return m;
  }

  /* Every claim of the view into `cluster`, approximate-location halos onto `map`.
   * Popups are filled from the template on opening, one pass, so a fragment is never
   * re-scanned for `{slot}` marks. */
  kcm.claimsLayer = function (map, cluster, d) {
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
    cluster.addLayers(markers);
    var halos = L.layerGroup();
    d.halos.forEach(function (h) {
      L.circle([h[0], h[1]], {radius: h[2], color: "#555555", weight: 1,
        dashArray: "4 4", fill: true, fillOpacity: 0.06, interactive: true})
        .bindTooltip(d.strings[h[3]]).addTo(halos);
    });
    halos.addTo(map);
    kcm.claims = cluster;
    kcm.claimMarkers = markers;
    kcm.halos = halos;
  };

  /* MarkerCluster's iconCreateFunction: neutral grey bubbles of class `className`
   * (the default green/yellow/orange would read as claimant sides). */
  kcm.clusterIcon = function (className) {
    return function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 36 : 42;
      return L.divIcon({html: "<div><span>" + n + "</span></div>", className: className,
        iconSize: L.point(size, size)});
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

  /* Gazetteer places as small dots; a permanent name keeps the map legible with no tiles. */
  kcm.placeDots = function (layer, d) {
    for (var i = 0; i < d.lat.length; i++) {
      var dot = L.circleMarker([d.lat[i], d.lon[i]], {radius: 3, color: "#333333",
        weight: 1, fillColor: "#ffffff", fillOpacity: 1});
      if (d.names[i]) {
        dot.bindTooltip(d.names[i], {permanent: true, direction: "right",
          offset: [5, 0], className: "kcm-label"})
          .bindPopup(d.tips[i]);
      } else {
        dot.bindTooltip(d.tips[i]);
      }
      dot.addTo(layer);
    }
  };

  /* Leaflet.Timeline's pointToLayer for playback: the same marker as the claims layer. */
  kcm.playbackMarker = function (feature, latlng) {
    var p = feature.properties;
    return claimMarker(latlng, p.icon, p.tip, p.event_id, p.popup);
  };
})();
