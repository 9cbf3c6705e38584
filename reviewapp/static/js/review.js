// The review form: keyboard scoring and autosave of drafts. Loaded with
// <script src> (the CSP allows no inline scripts). Without JavaScript the
// form still saves and submits with its buttons.
//
// Keyboard: Tab moves between criteria (each radio group is one tab stop);
// inside a criterion, the number keys select its score. Two digits typed
// quickly make one number (1 then 0 is 10) when the scale goes that far.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave-url");
  var scoreMin = parseInt(form.getAttribute("data-score-min"), 10);
  var scoreMax = parseInt(form.getAttribute("data-score-max"), 10);
  var delay = 2500;
  var timer = null;
  var saving = false;
  var pending = false;
  var stopped = false;

  function say(text) { if (status) { status.textContent = text; } }

  // ---- keyboard scoring ----------------------------------------------------
  var typed = "";
  var typedAt = 0;
  function selectScore(group, value) {
    var radio = group.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio || radio.disabled) { return false; }
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", {bubbles: true}));
    return true;
  }
  form.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (!/^[0-9]$/.test(event.key)) { return; }
    var target = event.target;
    if (!target || target.type !== "radio" || !target.name || target.name.indexOf("score-") !== 0) { return; }
    var group = target.closest("fieldset.criterion");
    if (!group) { return; }
    var now = Date.now();
    var candidate = (now - typedAt < 800 ? typed : "") + event.key;
    if (parseInt(candidate, 10) > scoreMax) { candidate = event.key; }
    typed = candidate;
    typedAt = now;
    var value = parseInt(candidate, 10);
    if (value >= scoreMin && value <= scoreMax && selectScore(group, value)) {
      event.preventDefault();
    }
  });

  // ---- autosave --------------------------------------------------------------
  function save() {
    if (stopped) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    say(form.getAttribute("data-saving-text"));
    var data = new FormData(form);
    data.set("action", "save");
    fetch(url, {method: "POST", body: data, credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      })
      .then(function (result) {
        say(result.body.message || "");
        if (result.body.ok) {
          form.elements.version.value = result.body.version;
        } else if (result.body.conflict) {
          // Another tab or device saved first: stop autosaving, keep the text on screen.
          stopped = true;
        }
      })
      .catch(function () { say(form.getAttribute("data-offline-text")); })
      .then(function () {
        saving = false;
        if (pending) { pending = false; schedule(); }
      });
  }

  function schedule() {
    if (stopped) { return; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, delay);
  }
  var fields = form.querySelector("fieldset.review-fields");
  if (fields && !fields.disabled) {
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }
  form.addEventListener("submit", function () { if (timer) { window.clearTimeout(timer); } stopped = true; });
})();
