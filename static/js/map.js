// Maps: a picker on the post form, the spot on a post's page, and the city map. app.js loads this
// (after Leaflet) only on pages with a [data-map] element. Every map has a text alternative on its
// page (the address field, the coordinates, the list under the city map), and a map whose tiles
// cannot load still shows its pins on a plain background.
(function () {
  "use strict";
  var persian = document.documentElement.lang === "fa";

  function localDigits(text) {
    return persian ? String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(text);
  }

  function westernNumber(text) {
    var value = String(text || "")
      .replace(/[۰-۹]/g, function (d) { return d.charCodeAt(0) - 0x06f0; })
      .replace(/[٠-٩]/g, function (d) { return d.charCodeAt(0) - 0x0660; })
      .replace("٫", ".").replace(/[\s٬]/g, "");
    return value === "" ? NaN : Number(value);
  }

  function baseMap(element, config, options) {
    var mapElement = element.querySelector(".map");
    var bounds = L.latLngBounds(config.bounds);
    // No sliding zooms, fading tiles or gliding pans for those who asked their system for less motion.
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(mapElement, Object.assign({
      zoomControl: false,
      maxBounds: bounds.pad(0.5),
      minZoom: 10,
      maxZoom: 19,
      zoomAnimation: !still,
      fadeAnimation: !still,
      markerZoomAnimation: !still,
      inertia: !still
    }, options || {}));
    if (still) {  // nor gliding pans: moves to a place (setView, fitBounds) and the arrow keys (panBy)
      var setView = map.setView, panBy = map.panBy;
      map.setView = function (center, zoom, moving) {
        return setView.call(map, center, zoom, L.extend({}, moving, { animate: false }));
      };
      map.panBy = function (offset, moving) { return panBy.call(map, offset, L.extend({}, moving, { animate: false })); };
    }
    L.control.zoom({ zoomInTitle: config.text.zoomIn, zoomOutTitle: config.text.zoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (config.tiles) {
      var warned = false;
      var layer = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 });
      layer.on("tileerror", function () {
        if (warned) { return; }
        warned = true;
        mapElement.classList.add("map-no-tiles");
        var notice = document.createElement("p");
        notice.className = "map-notice small";
        notice.setAttribute("role", "status");
        notice.textContent = config.text.tilesFailed;
        mapElement.insertAdjacentElement("afterend", notice);
      });
      layer.addTo(map);
    } else {
      mapElement.classList.add("map-no-tiles");
    }
    return map;
  }

  function statusLine(element) {
    var line = element.querySelector("[data-role=status]");
    return function (text) { if (line) { line.textContent = text; } };
  }

  function picker(element, config) {
    var form = element.closest("form");
    var latitude = form.querySelector("[name=" + (element.dataset.latitudeField || "latitude") + "]");
    var longitude = form.querySelector("[name=" + (element.dataset.longitudeField || "longitude") + "]");
    var say = statusLine(element);
    var bounds = L.latLngBounds(config.bounds);
    var map = baseMap(element, config);
    var marker = null;
    var last = null;

    function place(latlng, message, zoomIn) {
      if (!bounds.contains(latlng)) {
        say(config.text.outside);
        if (marker && last) { marker.setLatLng(last); }
        return;
      }
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, alt: config.text.marker, title: config.text.marker }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), config.text.picked, false); });
      } else {
        marker.setLatLng(latlng);
      }
      last = latlng;
      latitude.value = latlng.lat.toFixed(6);
      longitude.value = latlng.lng.toFixed(6);
      if (zoomIn) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
      say(message);
      // The similar-posts suggestions (posts/_form.html) listen: distance counts for problems.
      form.dispatchEvent(new Event("location-changed"));
    }

    function fromInputs(zoomIn) {
      var lat = westernNumber(latitude.value);
      var lng = westernNumber(longitude.value);
      if (isFinite(lat) && isFinite(lng)) { place(L.latLng(lat, lng), config.text.picked, zoomIn); }
    }

    map.setView(config.center, config.zoom);
    var callArea = circleOf(element);  // an idea into a call about an area: the map opens on it
    if (callArea) {
      L.circle(callArea.centre, { radius: callArea.radius, interactive: false, fill: false, dashArray: "6 6" }).addTo(map);
      map.fitBounds(L.latLng(callArea.centre).toBounds(callArea.radius * 2));
    }
    fromInputs(true);
    map.on("click", function (event) { place(event.latlng, config.text.picked, false); });
    latitude.addEventListener("change", function () { fromInputs(true); });
    longitude.addEventListener("change", function () { fromInputs(true); });

    // A picker that starts hidden (the department queue's "pick a point") is told when it shows.
    element.addEventListener("map-shown", function () {
      map.invalidateSize();
      if (last) { map.setView(last, Math.max(map.getZoom(), 15)); }
    });

    var locate = element.querySelector("[data-action=locate]");  // absent where the page has its own
    if (locate && !navigator.geolocation) {
      locate.hidden = true;
    } else if (locate) {
      locate.addEventListener("click", function () {
        say(config.text.locating);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var here = L.latLng(position.coords.latitude, position.coords.longitude);
            if (bounds.contains(here)) { place(here, config.text.located, true); } else { say(config.text.outside); }
          },
          function () { say(config.text.noLocation); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
    element.querySelector("[data-action=centre]").addEventListener("click", function () {
      place(map.getCenter(), config.text.picked, false);
    });
    element.querySelector("[data-action=clear]").addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; last = null; }
      latitude.value = "";
      longitude.value = "";
      say(config.text.cleared);
    });
  }

  function circleOf(element) {
    var radius = Number(element.dataset.areaRadius);
    if (!radius) { return null; }
    return { centre: L.latLng(Number(element.dataset.areaLat), Number(element.dataset.areaLng)), radius: radius };
  }

  // A circle drawn on the map (a call's area, a followed area): a click or tap puts the centre,
  // the radius field (typed, or a neighbourhood's) sets its size; the typed fields stay the truth.
  function circle(element, config) {
    var form = element.closest("form");
    var field = function (name) { return form.querySelector("[name=" + element.dataset[name] + "]"); };
    var latitude = field("latitudeField");
    var longitude = field("longitudeField");
    var radius = field("radiusField");
    var place = element.dataset.placeField ? field("placeField") : null;  // a neighbourhood from the list
    var say = statusLine(element);
    var bounds = L.latLngBounds(config.bounds);
    var map = baseMap(element, config);
    var shape = null;
    var fallbackRadius = Number(element.dataset.defaultRadius) || 500;

    function draw(fit) {
      var lat = westernNumber(latitude.value);
      var lng = westernNumber(longitude.value);
      var size = westernNumber(radius.value);
      if (!isFinite(lat) || !isFinite(lng)) {
        if (shape) { map.removeLayer(shape); shape = null; }
        return;
      }
      var centre = L.latLng(lat, lng);
      if (!isFinite(size) || size <= 0) { size = fallbackRadius; }
      if (!shape) {
        shape = L.circle(centre, { radius: size, interactive: false }).addTo(map);
      } else {
        shape.setLatLng(centre);
        shape.setRadius(size);
      }
      if (fit) { map.fitBounds(shape.getBounds(), { padding: [16, 16] }); }
    }

    map.setView(config.center, config.zoom);
    draw(true);
    map.on("click", function (event) {
      if (!bounds.contains(event.latlng)) { say(config.text.outside); return; }
      latitude.value = event.latlng.lat.toFixed(5);
      longitude.value = event.latlng.lng.toFixed(5);
      if (!isFinite(westernNumber(radius.value))) { radius.value = localDigits(fallbackRadius); }
      if (place) { place.value = ""; }  // a circle of one's own, no longer the neighbourhood's
      draw(false);
      say(config.text.circleDrawn);
    });
    [latitude, longitude, radius].forEach(function (input) {
      input.addEventListener("change", function () {
        if (place) { place.value = ""; }
        draw(true);
      });
    });
    if (place) {
      var places = JSON.parse(element.dataset.places || "{}");
      place.addEventListener("change", function () {
        var chosen = places[place.value];
        if (!chosen) { return; }
        latitude.value = chosen[0].toFixed(5);
        longitude.value = chosen[1].toFixed(5);
        radius.value = localDigits(chosen[2]);
        draw(true);
      });
    }
    var clear = element.querySelector("[data-action=clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        latitude.value = "";
        longitude.value = "";
        radius.value = "";
        if (place) { place.value = ""; }
        draw(false);
        say(config.text.circleCleared);
      });
    }
  }

  function area(element, config) {
    var shown = circleOf(element);
    var map = baseMap(element, config, { scrollWheelZoom: false });
    map.setView(shown.centre, 14);  // a layer needs a view before it can be placed
    var shape = L.circle(shown.centre, { radius: shown.radius, interactive: false }).addTo(map);
    map.fitBounds(shape.getBounds(), { padding: [16, 16] });
  }

  function spot(element, config) {
    var here = L.latLng(Number(element.dataset.lat), Number(element.dataset.lng));
    var map = baseMap(element, config, { scrollWheelZoom: false });
    map.setView(here, 16);
    L.marker(here, { alt: config.text.marker, interactive: false, keyboard: false }).addTo(map);
  }

  function popup(pin, labels, config) {
    var box = document.createElement("div");
    box.className = "pin-popup";
    box.dir = document.documentElement.dir;
    var link = document.createElement("a");
    link.href = pin.url;
    link.dir = "auto";
    link.className = "pin-title";
    link.textContent = pin.title;
    var facts = document.createElement("div");
    facts.className = "pin-facts";
    // Facts apart by a gap with a thin rule, never a dot: beside a Persian digit it reads as a zero.
    [labels.kind[pin.kind], labels.status[pin.status], config.text.support.replace("%(count)s", localDigits(pin.support))]
      .forEach(function (fact, index) {
        if (index) {
          var sep = document.createElement("span");
          sep.className = "sep";
          sep.setAttribute("aria-hidden", "true");
          facts.appendChild(sep);
        }
        facts.appendChild(document.createTextNode(fact));
      });
    box.appendChild(link);
    box.appendChild(facts);
    return box;
  }

  // A cluster counted by the server: its count in the viewer's digits; a click (or Enter) zooms to
  // its posts, down to street level where each post is a pin.
  function clusterMarker(cluster, config, map) {
    var size = cluster.count < 10 ? "small" : cluster.count < 100 ? "medium" : "large";
    var pixels = { small: 34, medium: 42, large: 50 }[size];
    var label = config.text.cluster.replace("%(count)s", localDigits(cluster.count));
    var marker = L.marker([cluster.lat, cluster.lng], {
      icon: L.divIcon({
        html: "<span>" + localDigits(cluster.count) + "</span>",
        className: "map-cluster map-cluster-" + size,
        iconSize: L.point(pixels, pixels)
      }),
      title: label,
      riseOnHover: true
    });
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", label); });
    marker.on("click", function () {
      var bounds = L.latLngBounds(cluster.bounds);
      var zoom = map.getBoundsZoom(bounds, false, L.point(48, 48));
      map.setView(bounds.getCenter(), Math.min(Math.max(zoom, map.getZoom() + 1), map.getMaxZoom()));
    });
    return marker;
  }

  // The city map: asks the server for the markers of what is in view (a margin around it, so that a
  // small move asks nothing), again after every move or zoom; the newest answer wins.
  function browse(element, config) {
    var say = statusLine(element);
    var map = baseMap(element, config);
    var layer = L.layerGroup().addTo(map);
    var pinsUrl = element.dataset.pinsUrl;
    var pinZoom = Number(element.dataset.pinZoom) || 17;
    var wanted = /^#post-(\d+)$/.exec(window.location.hash);
    var focus = wanted ? wanted[1] : null;  // "see it on the city map": go to that post, open its pin
    var asked = 0;
    var covered = null;  // the box and zoom of the markers on the map

    function address(box) {
      // Edges moved out to a grid of the zoom (a quarter of a tile): nearby views ask the same
      // address, which the server has answered before (it counts whole cells of that grid anyway).
      var step = 360 / Math.pow(2, map.getZoom()) / 4;
      var down = function (value, least) { return Math.max(Math.floor(value / step) * step, least).toFixed(5); };
      var up = function (value, most) { return Math.min(Math.ceil(value / step) * step, most).toFixed(5); };
      var bbox = [down(box.getWest(), -180), down(box.getSouth(), -90), up(box.getEast(), 180),
        up(box.getNorth(), 90)].join(",");
      var url = pinsUrl + (pinsUrl.indexOf("?") < 0 ? "?" : "&") + "zoom=" + map.getZoom() + "&bbox=" + bbox;
      return focus ? url + "&focus=" + focus : url;
    }

    function draw(data) {
      layer.clearLayers();
      var markers = {};
      data.clusters.forEach(function (cluster) { layer.addLayer(clusterMarker(cluster, config, map)); });
      data.pins.forEach(function (pin) {
        var marker = L.marker([pin.lat, pin.lng], { alt: pin.title, title: pin.title });
        marker.bindPopup(popup(pin, data.labels, config));
        layer.addLayer(marker);
        markers[pin.id] = marker;
      });
      element.dataset.pinCount = String(data.total);
      element.dataset.clusterCount = String(data.clusters.length);
      element.dataset.shownPins = String(data.pins.length);
      var message = config.text.inView.replace("%(count)s", localDigits(data.total));
      say(data.truncated ? message + " " + config.text.truncated : message);
      return markers;
    }

    function load() {
      var view = map.getBounds();
      if (covered && covered.zoom === map.getZoom() && covered.box.contains(view)) { return; }
      var box = view.pad(0.25);
      var mine = ++asked;
      say(config.text.loading);
      fetch(address(box), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (mine !== asked) { return; }  // the map moved again meanwhile: a newer answer is coming
          if (focus !== null) {
            var spot = data.focus;
            focus = null;
            if (spot) {
              map.setView([spot.lat, spot.lng], Math.max(pinZoom, map.getZoom()));
              map.once("markers-drawn", function (event) {
                if (event.markers[spot.id]) { event.markers[spot.id].openPopup(); }
              });
              return;  // the move asks again, at street level
            }
          }
          covered = { box: box, zoom: map.getZoom() };
          map.fire("markers-drawn", { markers: draw(data) });
          element.dataset.mapLoaded = String(mine);
        })
        .catch(function () { if (mine === asked) { say(config.text.loadFailed); } });
    }

    map.on("moveend", load);
    map.setView(config.center, config.zoom);
  }

  var kinds = { picker: picker, spot: spot, browse: browse, circle: circle, area: area };
  document.querySelectorAll("[data-map]").forEach(function (element) {
    var setUp = kinds[element.dataset.map];
    if (setUp) {
      setUp(element, JSON.parse(element.dataset.mapConfig));
      element.dataset.mapReady = "true";
    }
  });
})();
