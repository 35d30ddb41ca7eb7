/* Karabakh Conflict Map: region-level claims ("in Nagorno-Karabakh") drawn as the region:
 * a dashed outline (regions; countries have their borders on the basemap) and a badge with
 * the count, whose popup lists the claims. Not markers: they stay out of the clusters.
 * The payload is built and escaped in Python (src/mapview/regions.py). */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  /* {layer, total, badges} for the payload `d` (RegionsPayload). */
  kcm.regionAreas = function (d) {
    var layer = L.layerGroup(), badges = [];
    for (var i = 0; i < d.lat.length; i++) {
      var at = [d.lat[i], d.lon[i]], popup = d.popups[i];
      var opts = {maxWidth: 420, minWidth: 300, maxHeight: 360, className: "kcm-region-pop"};
      if (d.radius[i]) {
        L.circle(at, {radius: d.radius[i], className: "kcm-region-area", color: "#4a4a4a",
          weight: 1.5, dashArray: "8 4 2 4", fill: true, fillColor: "#8c7aa8",
          fillOpacity: 0.07, interactive: true}).bindPopup(popup, opts).addTo(layer);
      }
      var n = d.counts[i];
      /* a region's badge sits on the top of its outline, off the places inside it */
      var spot = d.radius[i] ? [d.lat[i] + d.radius[i] / 111320, d.lon[i]] : at;
      var html = "<div class='kcm-region-badge'><span class='kcm-region-n'>" + n +
        "</span><span class='kcm-region-name'>in " + d.names[i] + "</span></div>";
      var badge = L.marker(spot, {icon: L.divIcon({html: html, className: "kcm-region-icon",
        iconSize: null, iconAnchor: [0, 0]}), title: n + " claim" + (n === 1 ? "" : "s") +
        " placed only in " + d.names[i] + " (" + d.kinds[i] + " level): click to list them",
        riseOnHover: true, zIndexOffset: -1000});  // under the markers it may meet zoomed out
      badge.kcmCount = n;
      badge.kcmRegion = true;
      badge.bindPopup(popup, opts).addTo(layer);
      badges.push(badge);
    }
    function declutter() { if (layer._map) kcm.stackBadges(badges); }
    layer.on("add", function () {
      layer._map.on("zoomend moveend", declutter);
      declutter();
    });
    layer.on("remove", function () {
      if (layer._map) layer._map.off("zoomend moveend", declutter);
    });
    return {layer: layer, total: d.total, badges: badges};
  };

  /* Zoomed out, "2 in Armenia" and "38 in Nagorno-Karabakh" fall on one spot: the larger
   * count keeps its place and each other badge moves down below the ones it would cover,
   * so every count stays readable (none is hidden: they are claims in view). */
  kcm.stackBadges = function (badges) {
    var order = badges.slice().sort(function (a, b) { return b.kcmCount - a.kcmCount; });
    var kept = [];
    order.forEach(function (badge) {
      var icon = badge._icon, box = icon && icon.firstChild;
      if (!box) return;
      box.style.marginTop = "";
      var shift = 0, rect = box.getBoundingClientRect();
      function at() { return kcm.box(rect.left, rect.top + shift, rect.width, rect.height); }
      for (var tries = 0; tries < badges.length; tries++) {
        var here = at();
        var hit = kept.filter(function (k) { return kcm.hits(here, k); })[0];
        if (!hit) break;
        shift = hit.y + hit.h - rect.top + 3;
      }
      if (shift) box.style.marginTop = "calc(-6px + " + shift + "px)";
      kept.push(at());
    });
  };
})();
