// Picking a response template fills the response box, so staff can adapt the text before sending.
// Without JavaScript the server uses the template's text when the box is left empty.
(function () {
  "use strict";
  function fill(select, focus) {
    var box = document.getElementById(select.getAttribute("data-fills"));
    var option = select.options[select.selectedIndex];
    if (box && option && option.getAttribute("data-body") !== null) {
      box.value = option.getAttribute("data-body");
      if (focus) { box.focus(); }
    }
  }
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-fills]")) { fill(select, true); }
  });
  // A template picked before this script arrived (a slow connection) still fills a box left empty.
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    var box = document.getElementById(select.getAttribute("data-fills"));
    if (box && box.value === "") { fill(select, false); }
  });
})();
