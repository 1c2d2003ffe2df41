// The campaign page: follow the ZIP of all PDFs while a worker builds it.
window.cspiFollow("archive", ["pending", "building"], function (block, state) {
  "use strict";
  var bar = block.querySelector("[data-archive-progress]");
  var link = block.querySelector("[data-archive-download]");
  block.querySelector("[data-archive-text]").textContent = state.text || "";
  if (state.total) {
    bar.max = state.total;
    bar.value = state.done;
    bar.textContent = state.done + " of " + state.total;
  }
  bar.classList.toggle("d-none", state.status !== "pending" && state.status !== "building");
  if (state.download_url) {
    link.href = state.download_url;
    link.classList.remove("d-none");
  }
});
