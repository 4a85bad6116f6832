// Picking a response template fills the response box, so staff can adapt the text before sending.
// Without JavaScript the server uses the template's text when the box is left empty.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills]")) { return; }
    var box = document.getElementById(select.getAttribute("data-fills"));
    var option = select.options[select.selectedIndex];
    if (box && option && option.getAttribute("data-body") !== null) {
      box.value = option.getAttribute("data-body");
      box.focus();
    }
  });
})();
