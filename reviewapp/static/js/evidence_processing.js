// Follows the processing of uploaded files (blind copy, thumbnail, print-size photo, made in
// the job queue): polls the case's processing.json while a file is waiting or processing,
// shows each one's state, and reloads the page once one is ready or failed (its thumbnail,
// links or retry button then appear). The wait between polls grows (1.5 s, x1.5, at most 5 s):
// at a deadline rush hundreds of pages wait at once, and their polls would take the
// server's time from the very jobs they wait for; a poll costs about 5 ms, and a longer wait
// would keep a person looking at a file that is ready.
(function () {
  "use strict";
  var list = document.querySelector("[data-processing-url]");
  if (!list || !window.fetch) { return; }
  var url = list.getAttribute("data-processing-url");
  var delay = 1500;
  function busy(state) { return state === "waiting" || state === "processing"; }
  function later() { window.setTimeout(poll, delay); delay = Math.min(5000, delay * 1.5); }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var finished = false, waiting = false;
        body.files.forEach(function (file) {
          var box = list.querySelector('[data-file-state="' + file.id + '"]');
          if (!box) { return; }
          if (busy(box.getAttribute("data-state")) && !busy(file.state)) { finished = true; }
          if (busy(file.state)) { waiting = true; }
          box.setAttribute("data-state", file.state);
          var text = box.querySelector("[data-file-text]");
          if (text) { text.textContent = file.label; }
        });
        if (finished) { window.location.reload(); } else if (waiting) { later(); }
      })
      .catch(later);
  }
  window.setTimeout(poll, 1000);
})();
