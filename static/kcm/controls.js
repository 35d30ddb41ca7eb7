/* Karabakh Conflict Map: the map's small controls, a north arrow and the collapsible legend.
 * Python passes their HTML and options only (src/mapview/controls.py). */
(function () {
  "use strict";
  var kcm = (window.kcm = window.kcm || {});

  /* A north arrow: a pasted screenshot keeps its orientation (Web Mercator: north is up). */
  kcm.northArrow = function (map, position) {
    var ctl = L.control({position: position});
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "kcm-north");
      div.setAttribute("role", "img");
      div.setAttribute("aria-label", "North is up");
      div.title = "North is up";
      div.innerHTML = "<svg viewBox='0 0 24 34' width='24' height='34' aria-hidden='true'>" +
        "<text x='12' y='10' text-anchor='middle'>N</text>" +
        "<path d='M12 12 L19 32 L12 27 Z' fill='#222'/>" +
        "<path d='M12 12 L5 32 L12 27 Z' fill='#fff' stroke='#222' stroke-width='1'/></svg>";
      return div;
    };
    ctl.addTo(map);
    return ctl;
  };

  /* The legend as a <details> box at `position`: open on a roomy map, closed when the map
   * is narrower than `narrowPx` or lower than `lowPx` (at 390 px it covered the whole map),
   * its "Legend" summary a button either way. `html` is escaped in Python. */
  kcm.legend = function (map, html, position, narrowPx, lowPx) {
    var ctl = L.control({position: position});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("details", "kcm-legend");
      var touched = false;
      function decide() {  // a map in a hidden frame has no size yet: decide once it has
        var size = map.getSize();
        if (!size.x || touched) return;
        box.open = size.x >= narrowPx && size.y >= lowPx;
        map.off("resize", decide);
      }
      box.innerHTML = "<summary class='kcm-legend-summary'>Legend</summary>" +
        "<div class='kcm-legend-body'>" + html + "</div>";
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.querySelector("summary").addEventListener("click", function () { touched = true; });
      box.addEventListener("toggle", function () { map.fire("kcmlegendtoggle"); });
      decide();
      map.on("resize", decide);
      return box;
    };
    ctl.addTo(map);
    return ctl;
  };
})();
