// Follow a job that a worker does (a PDF report, a campaign's ZIP) without reloading the page:
// poll the JSON status URL of the block with this id while the job is in one of the `waiting`
// states, and hand each answer to `show(block, state)`. A busy or offline server is asked less
// and less often.
window.cspiFollow = function (id, waiting, show) {
  "use strict";
  var block = document.getElementById(id);
  if (!block) return;
  var delay = 1000;

  function poll() {
    fetch(block.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reply) {
        if (!reply.ok) throw new Error("status " + reply.status);
        return reply.json();
      })
      .then(function (state) {
        show(block, state);
        if (waiting.indexOf(state.status) !== -1) setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        setTimeout(poll, delay);
      });
  }

  if (waiting.indexOf(block.dataset.status) !== -1) setTimeout(poll, delay);
};
