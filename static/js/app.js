// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The versioned addresses of what a page with a map loads (templates/base.html): cached for a year.
  var assets = document.currentScript.dataset;

  // htmx swaps a vote, follow or comment section in place. An outerHTML swap replaces the target,
  // so look it up again by id; then move focus where the user expects it: the element the server
  // marked (a new comment), else the button that was pressed, so keyboard users keep their place.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && !target.isConnected && target.id) {
      target = document.getElementById(target.id);
    }
    if (!target) { return; }
    // Suggestions that arrive while someone types (the post form's similar posts) never take the focus.
    if (target.hasAttribute("data-keep-focus")) { return; }
    var wanted = target.querySelector("[data-focus-after-swap]");
    if (wanted) {
      wanted.focus();
      return;
    }
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var pressed = trigger && trigger.submitter;
    var button = pressed && pressed.name
      ? target.querySelector("button[name='" + pressed.name + "'][value='" + pressed.value + "']")
      : null;
    button = button || target.querySelector("button[aria-pressed='true'], button");
    if (button && trigger) {
      button.focus();
    }
  });

  // Actions that cannot be undone ask first (without JavaScript they simply happen).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // A request htmx could not complete (network, 403, 500): say so instead of doing nothing.
  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);
  function showRequestError(event) {
    var box = document.getElementById("request-error");
    if (box) {
      box.hidden = false;
      box.focus();
    }
  }

  // Photos: before sending, show what was chosen and warn about files the server would refuse.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var preview = input.closest("fieldset, form").querySelector("[data-photo-preview]");
    if (!preview) { return; }
    input.addEventListener("change", function () {
      preview.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      var maxBytes = Number(input.dataset.maxBytes);
      var list = document.createElement("ul");
      list.className = "photo-choices list-unstyled";
      files.forEach(function (file) {
        var item = document.createElement("li");
        item.className = "photo-choice";
        if (/^image\//.test(file.type)) {
          var image = document.createElement("img");
          image.src = URL.createObjectURL(file);
          image.alt = "";
          image.width = 160;
          image.height = 120;
          image.onload = function () { URL.revokeObjectURL(image.src); };
          item.appendChild(image);
        }
        var name = document.createElement("div");
        name.className = "small text-break";
        name.textContent = file.size > maxBytes ? file.name + ": " + input.dataset.tooLarge : file.name;
        if (file.size > maxBytes) { name.className += " text-danger"; }
        item.appendChild(name);
        list.appendChild(item);
      });
      preview.appendChild(list);
      if (files.length > Number(input.dataset.maxFiles)) {
        var warning = document.createElement("p");
        warning.className = "small text-danger mb-0";
        warning.textContent = input.dataset.tooMany;
        preview.appendChild(warning);
      }
    });
  });

  // The department queue's "nearest to a point": the device's location sorts the queue at once; a
  // point picked on the map (map.js's picker) chooses the order, and "Show" sends it. Where neither
  // works, the coordinates typed by hand still do.
  document.querySelectorAll("[data-near-point]").forEach(function (box) {
    var form = box.closest("form");
    var sort = form.querySelector("[name=sort]");
    var status = box.querySelector("[data-role=near-status]");
    var mapButton = box.querySelector("[data-action=near-map]");
    var mapBox = document.getElementById(mapButton.getAttribute("aria-controls"));
    var nearMe = box.querySelector("[data-action=near-me]");

    function showMap() {
      mapBox.hidden = false;
      mapButton.setAttribute("aria-expanded", "true");
      mapBox.dispatchEvent(new Event("map-shown"));
    }
    mapButton.addEventListener("click", function () {
      if (mapBox.hidden) { showMap(); } else {
        mapBox.hidden = true;
        mapButton.setAttribute("aria-expanded", "false");
      }
    });
    form.addEventListener("location-changed", function () { sort.value = box.dataset.distanceSort; });

    if (!navigator.geolocation) {
      nearMe.hidden = true;
      return;
    }
    nearMe.addEventListener("click", function () {
      status.textContent = nearMe.dataset.locating || "";
      nearMe.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
          form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(6);
          sort.value = box.dataset.distanceSort;
          form.requestSubmit();
        },
        function () {
          nearMe.disabled = false;
          status.textContent = box.dataset.noLocation;
          showMap();
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  });

  // Maps: Leaflet only on pages that have a map (the city map's clusters are counted by the server).
  function load(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { element[name] = attributes[name]; });
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }
  function css(address) { return load("link", { rel: "stylesheet", href: address }); }
  function js(address) { return load("script", { src: address, async: false }); }

  if (document.querySelector("[data-map]")) {
    css(assets.leafletCss);
    js(assets.leafletJs).then(function () {
      // Leaflet's own markers by their versioned addresses too (it would find them unversioned, from
      // its style sheet's relative addresses, and the browser would ask again on every map page).
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: assets.markerIcon, iconRetinaUrl: assets.markerIconRetina, shadowUrl: assets.markerShadow,
      });
      return js(assets.mapJs);
    }).catch(function () {
      document.documentElement.classList.add("no-maps");
    });
  }
})();
