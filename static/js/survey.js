// Small helps on survey pages; the server checks everything again.
(function () {
  "use strict";
  // An exclusive option ("None of these") and the others untick each other.
  document.querySelectorAll("fieldset.question").forEach(function (fieldset) {
    var boxes = fieldset.querySelectorAll("input[type=checkbox][name^=q]:not([data-unknown-for])");
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) return;
        boxes.forEach(function (other) {
          if (other === box) return;
          if (box.dataset.exclusive === "true" || other.dataset.exclusive === "true") {
            other.checked = false;
          }
        });
      });
    });
  });
  // "Unknown / prefer not to say" empties and disables its number input.
  document.querySelectorAll("input[data-unknown-for]").forEach(function (box) {
    var input = document.getElementById(box.dataset.unknownFor);
    if (!input) return;
    var sync = function () {
      input.disabled = box.checked;
      if (box.checked) input.value = "";
    };
    box.addEventListener("change", sync);
    sync();
  });
  // After a failed submit, take keyboard and screen-reader users to the list of problems.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // Select the whole resume link on focus, ready to copy.
  var link = document.getElementById("resume-link");
  if (link) link.addEventListener("focus", function () { link.select(); });
})();
