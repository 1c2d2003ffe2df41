// The bank admin's publish confirmation: follow the worker computing a draft's impact on the
// pool, then reload the page to show it (survey/templates/admin/bank_publish_confirm.html).
window.cspiFollow("impact", ["pending", "running"], function (block, state) {
  "use strict";
  var text = block.querySelector("[data-impact-text]");
  var bar = block.querySelector("[data-impact-bar]");
  block.dataset.status = state.status;
  if (text && text.textContent !== state.text) text.textContent = state.text;
  if (bar && typeof state.percent === "number") bar.value = state.percent;
  if (state.status === "done" || state.status === "outdated") window.location.reload();
});
