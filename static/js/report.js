// The results page: follow the PDF report until it is ready, without reloading the page.
window.cspiFollow("report", ["pending", "rendering"], function (block, state) {
  "use strict";
  var text = block.querySelector("[data-report-text]");
  var button = block.querySelector("[data-report-download]");
  block.dataset.status = state.status;
  if (text.textContent !== state.text) text.textContent = state.text;
  if (state.download_url) {
    button.href = state.download_url;
    button.classList.remove("d-none");
  }
});
