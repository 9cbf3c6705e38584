// The case form: live character counters, autosave after a few seconds of
// inactivity, and a copy of unsaved text in localStorage so that a dropped
// connection loses nothing. Loaded with <script src> (the CSP allows no inline
// scripts). Without JavaScript the form still saves with its button.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave-url");
  var delay = 3000;
  var timer = null;
  var saving = false;
  var pending = false;
  var submitting = false;
  var resubmit = null;   // the button that sent the form while an autosave was on its way

  function say(text) { if (status) { status.textContent = text; } }

  // Character counters: Python's len() on the server counts the same code points.
  function length(text) { return Array.from(text).length; }
  function counter(field) {
    var max = parseInt(field.getAttribute("data-count-max"), 10);
    var output = document.createElement("span");
    output.className = "char-count";
    output.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", output);
    function update() {
      var used = length(field.value);
      output.textContent = form.getAttribute("data-counter-text")
        .replace("{used}", used).replace("{max}", max);
      output.classList.toggle("over", used > max);
    }
    field.addEventListener("input", update);
    update();
  }
  form.querySelectorAll("[data-count-max]").forEach(counter);

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "version") { return; }
      if (el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.type !== "submit" && el.type !== "hidden") {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values)) { return; }
      if (el.type === "checkbox") { el.checked = values[el.name].indexOf(el.value) !== -1; }
      else if (el.type !== "submit" && el.type !== "hidden") { el.value = values[el.name]; }
      el.dispatchEvent(new Event("input"));
    });
  }

  function keep() {
    try { localStorage.setItem(key, JSON.stringify({version: form.elements.version.value, values: snapshot()})); }
    catch (e) { /* storage full or disabled: the server copy still counts */ }
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  // Text kept from an earlier visit that never reached the server comes back.
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && JSON.stringify(kept.values) !== JSON.stringify(snapshot())) {
      restore(kept.values);
      say(form.getAttribute("data-restored-text"));
    } else if (kept) { forget(); }
  } catch (e) { forget(); }

  function save() {
    if (submitting) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    say(form.getAttribute("data-saving-text"));
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      })
      .then(function (result) {
        say(result.body.message || "");
        if (result.body.ok) {
          form.elements.version.value = result.body.version;
          forget();
        }
      })
      .catch(function () { say(form.getAttribute("data-offline-text")); })
      .then(function () {
        saving = false;
        if (resubmit) {
          // The form waited for this autosave: send it now, with the new version.
          var button = resubmit;
          resubmit = null;
          if (form.requestSubmit) { form.requestSubmit(button.form === form ? button : undefined); }
          else { form.submit(); }
        } else if (pending) { pending = false; schedule(); }
      });
  }

  function schedule() {
    if (submitting) { return; }
    keep();
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, delay);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", function () { if (localStorage.getItem(key)) { save(); } });
  // Sending the form cancels the waiting autosave; if one is already on its
  // way, the form waits for it, or it would carry a version the autosave
  // has just made stale and be refused as a conflict.
  form.addEventListener("submit", function (event) {
    keep();
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (saving) {
      event.preventDefault();
      resubmit = event.submitter || form.querySelector("[type=submit]") || form;
      return;
    }
    submitting = true;
  });
})();
