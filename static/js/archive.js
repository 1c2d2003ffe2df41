// The campaign page: follow the ZIP of all PDFs while a worker builds it.
(function () {
  "use strict";
  var block = document.getElementById("archive");
  if (!block) return;
  var text = block.querySelector("[data-archive-text]");
  var bar = block.querySelector("[data-archive-progress]");
  var link = block.querySelector("[data-archive-download]");
  var waiting = ["pending", "building"];

  window.cspiFollow(block, waiting, function (state) {
    text.textContent = state.text || "";
    if (state.total) {
      bar.max = state.total;
      bar.value = state.done;
      bar.textContent = state.done + " of " + state.total;
    }
    bar.classList.toggle("d-none", waiting.indexOf(state.status) === -1);
    if (state.download_url) {
      link.href = state.download_url;
      link.classList.remove("d-none");
    }
  });
})();
