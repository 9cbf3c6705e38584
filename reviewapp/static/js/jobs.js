// Follows background jobs: every element with data-job-url shows the job's
// progress and reloads the page when it ends. Loaded with <script src>, as the
// Content-Security-Policy allows no inline scripts.
(function () {
  "use strict";
  function follow(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-text]");
    function poll() {
      fetch(box.getAttribute("data-job-url"), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (bar) { bar.max = job.total || 100; bar.value = job.total ? job.done : job.percent; }
          if (text) { text.textContent = job.label + (job.total ? " " + job.done + " / " + job.total : ""); }
          if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }
  document.querySelectorAll("[data-job-url]").forEach(follow);
})();
