// The case form: live character counters, autosave after a few seconds of
// inactivity, and a copy of unsaved text in this browser (cases_copies.js) so
// that a dropped connection loses nothing. A copy made before the case was
// saved again elsewhere is offered beside the saved text (cases_offer.js),
// never sent; after a conflict nothing is sent until the person chooses.
// Loaded with <script src> (the CSP allows no inline scripts). Without
// JavaScript the form still saves with its button.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var copies = window.caseCopies(form.getAttribute("data-storage-key"));
  var url = form.getAttribute("data-autosave-url");
  var delay = 3000;
  var timer = null;
  var saving = false;
  var pending = false;
  var submitting = false;
  var resubmit = null;   // the button that sent the form while an autosave was on its way
  // The server refused a save based on an older version: nothing is sent by itself any more.
  var conflicted = form.hasAttribute("data-conflict");
  var unsaved = false;   // the form holds text the server has not confirmed
  var held = false;      // text put back from a copy waits for the person to save it

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

  // Put the copy's `names` back into the form.
  function put(values, names) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || names.indexOf(el.name) === -1) { return; }
      if (el.type === "checkbox") { el.checked = values[el.name].indexOf(el.value) !== -1; }
      else if (el.type !== "submit" && el.type !== "hidden") { el.value = values[el.name]; }
      el.dispatchEvent(new Event("input"));
    });
  }

  // The saved values the form's version stands for: a copy records them, so
  // that later only what the person changed counts as theirs.
  var base = snapshot();
  function keep() { copies.write(form.elements.version.value, base, snapshot()); }

  function takeBack(copy, names, message) {
    put(copy.values, names);
    copies.remove(copy.key);
    unsaved = held = true;
    keep();
    say(message);
  }

  if (form.hasAttribute("data-posted")) {
    // A refused form came back with the person's text: it stays this tab's copy.
    var mine = copies.all().filter(function (copy) { return copy.key === copies.own(); })[0];
    base = mine ? mine.base : null;
    unsaved = true;
    keep();
  } else {
    // The page shows the saved text. Copies holding nothing new go; a copy
    // from this very version comes back into the form; older ones are offered.
    var saved = base;
    var version = form.elements.version.value;
    var waiting = copies.all().filter(function (copy) {
      if (copies.newIn(copy, saved).length) { return true; }
      copies.remove(copy.key);
      return false;
    });
    var current = waiting.filter(function (copy) { return String(copy.version) === version; })[0];
    var older = waiting.filter(function (copy) { return copy !== current; });
    if (older.some(function (copy) { return copy.key === copies.own(); })) { copies.rename(); }
    if (current) { takeBack(current, copies.newIn(current, saved), form.getAttribute("data-restored-text")); }
    older.forEach(function (copy) {
      window.caseOffer(form, copy, copies.newIn(copy, saved), saved, function (chosen, names) {
        takeBack(chosen, names, form.getAttribute("data-taken-back-text"));
        var first = form.elements[names[0]];      // a checkbox group is a list
        (first.focus ? first : first[0]).focus();
      }, function (dropped) {
        copies.remove(dropped.key);
        say(form.getAttribute("data-discarded-text"));
      });
    });
  }

  function save() {
    if (submitting || conflicted) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    say(form.getAttribute("data-saving-text"));
    var sent = snapshot();
    fetch(url, {method: "POST", body: new FormData(form), credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      })
      .then(function (result) {
        say(result.body.message || "");
        if (result.body.ok) {
          form.elements.version.value = result.body.version;
          base = sent;
          if (copies.same(snapshot(), sent)) {
            unsaved = false;
            copies.remove(copies.own());
          } else { keep(); }
        } else if (result.status === 409) {
          // Saved elsewhere meanwhile (or submitted): the text stays here and in this browser.
          conflicted = true;
          if (result.body.conflict) { say(form.getAttribute("data-conflict-text")); }
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
        } else if (pending) { pending = false; if (!conflicted) { schedule(); } }
      });
  }

  function schedule() {
    if (submitting) { return; }
    unsaved = true;
    held = false;
    keep();
    if (conflicted) { return; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, delay);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("online", function () { if (unsaved && !held) { save(); } });
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
