// Follows the processing of uploaded files (blind copy, thumbnail, print-size photo, made in
// the job queue): polls the case's processing.json while a file is waiting or processing,
// shows each one's state, and reloads the page once one is ready or failed (its thumbnail,
// links or retry button then appear).
(function () {
  "use strict";
  var list = document.querySelector("[data-processing-url]");
  if (!list || !window.fetch) { return; }
  var url = list.getAttribute("data-processing-url");
  function busy(state) { return state === "waiting" || state === "processing"; }
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
        if (finished) { window.location.reload(); } else if (waiting) { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
