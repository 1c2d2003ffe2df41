// The results page: follow the PDF report until it is ready, without reloading the page.
(function () {
  "use strict";
  var block = document.getElementById("report");
  if (!block) return;
  var text = block.querySelector("[data-report-text]");
  var button = block.querySelector("[data-report-download]");
  var delay = 1000;

  function show(state) {
    block.dataset.status = state.status;
    if (text.textContent !== state.text) text.textContent = state.text;
    if (state.download_url) {
      button.href = state.download_url;
      button.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(block.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reply) {
        if (!reply.ok) throw new Error("status " + reply.status);
        return reply.json();
      })
      .then(function (state) {
        show(state);
        if (state.status === "pending" || state.status === "rendering") {
          setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // the server is busy or offline: ask less often
        setTimeout(poll, delay);
      });
  }

  if (block.dataset.status === "pending" || block.dataset.status === "rendering") {
    setTimeout(poll, delay);
  }
})();
