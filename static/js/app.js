// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // htmx swaps a vote or follow form in place: keep keyboard focus on the pressed button's spot.
  document.addEventListener("htmx:afterSwap", function (event) {
    var button = event.detail.target && event.detail.target.querySelector("button[aria-pressed='true'], button");
    if (button && event.detail.requestConfig && event.detail.requestConfig.triggeringEvent) {
      button.focus();
    }
  });
})();
