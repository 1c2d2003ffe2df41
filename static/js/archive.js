// The campaign page: follow the ZIP of all PDFs while a worker builds it.
(function () {
  "use strict";
  var block = document.getElementById("archive");
  if (!block) return;
  var text = block.querySelector("[data-archive-text]");
  var bar = block.querySelector("[data-archive-progress]");
  var link = block.querySelector("[data-archive-download]");
  var delay = 1000;

  function show(state) {
    text.textContent = state.text || "";
    if (state.total) {
      bar.max = state.total;
      bar.value = state.done;
      bar.textContent = state.done + " of " + state.total;
    }
    var working = state.status === "pending" || state.status === "building";
    bar.classList.toggle("d-none", !working);
    if (state.download_url) {
      link.href = state.download_url;
      link.classList.remove("d-none");
    }
    return working;
  }

  function poll() {
    fetch(block.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reply) {
        if (!reply.ok) throw new Error("status " + reply.status);
        return reply.json();
      })
      .then(function (state) {
        if (show(state)) setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        setTimeout(poll, delay);
      });
  }

  if (block.dataset.status === "pending" || block.dataset.status === "building") {
    setTimeout(poll, delay);
  }
})();
