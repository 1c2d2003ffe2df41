// The team page: follow the team PDF until it is ready, without reloading the page.
window.cspiFollow("team-pdf", ["pending", "rendering"], function (block, state) {
  "use strict";
  var text = block.querySelector("[data-report-text]");
  var button = block.querySelector("[data-report-download]");
  block.dataset.status = state.status;
  if (text && text.textContent !== state.text) text.textContent = state.text;
  if (button && state.download_url) {
    button.href = state.download_url;
    button.classList.remove("d-none");
  }
});
