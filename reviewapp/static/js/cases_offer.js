// A copy of unsaved text made before the case was saved again (in another tab,
// on another computer) is shown next to the saved text, field by field, with
// "restore" and "discard": it is never sent on its own. The markup comes from
// <template> elements of the page (translated there); text goes in with
// textContent only. Loaded before cases.js, which uses window.caseOffer.
(function () {
  "use strict";

  function clone(id) { return document.getElementById(id).content.firstElementChild.cloneNode(true); }

  function plainText(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll(".required").forEach(function (mark) { mark.remove(); });
    return copy.textContent.trim();
  }

  function labelOf(form, name) {
    var control = form.elements[name];
    var first = control && control.length !== undefined && !control.tagName ? control[0] : control;
    if (!first) { return name; }
    if (first.type === "checkbox") { return plainText(first.closest("fieldset").querySelector("legend")); }
    var label = form.querySelector('label[for="' + first.id + '"]');
    return label ? plainText(label) : name;
  }

  function show(form, target, name, value) {
    if (Array.isArray(value)) {
      var list = document.createElement("ul");
      value.forEach(function (choice) {
        var box = form.querySelector('input[name="' + name + '"][value="' + CSS.escape(choice) + '"]');
        var label = box && form.querySelector('label[for="' + box.id + '"]');
        var item = document.createElement("li");
        item.textContent = label ? plainText(label) : choice;
        list.appendChild(item);
      });
      if (value.length) { target.appendChild(list); return; }
    } else if (value) {
      target.textContent = value;
      return;
    }
    target.textContent = form.getAttribute("data-empty-text");
    target.classList.add("muted");
  }

  // "10:42 Beijing time" (the date too when it is not today), on the campaign's clock in every language.
  function when(form, made) {
    if (!made) { return null; }
    var options = {year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
                   hourCycle: "h23"};
    var format;
    try { format = new Intl.DateTimeFormat("en-GB", Object.assign({timeZone: form.getAttribute("data-time-zone")}, options)); }
    catch (e) { format = new Intl.DateTimeFormat("en-GB", options); }   // an unknown zone: the computer's clock
    function parts(moment) {
      var found = {};
      format.formatToParts(moment).forEach(function (part) { found[part.type] = part.value; });
      return found;
    }
    var then = parts(new Date(made));
    var today = parts(new Date());
    var text = then.hour + ":" + then.minute;
    if (then.year + then.month + then.day !== today.year + today.month + today.day) {
      text = then.year + "-" + then.month + "-" + then.day + " " + text;
    }
    return form.getAttribute("data-time-label").replace("{time}", text);
  }

  // Show `copy` (its fields `names`) beside `saved`; onRestore(copy, names) or onDiscard(copy) on a click.
  window.caseOffer = function (form, copy, names, saved, onRestore, onDiscard) {
    var box = clone("draft-offer-template");
    var time = when(form, copy.made);
    box.querySelector(".draft-offer-title").textContent = time
      ? form.getAttribute("data-offer-title").replace("{time}", time)
      : form.getAttribute("data-offer-title-undated");
    var rows = box.querySelector(".draft-offer-fields");
    names.forEach(function (name) {
      var row = clone("draft-field-template");
      row.querySelector(".draft-field-name").textContent = labelOf(form, name);
      show(form, row.querySelector(".draft-mine"), name, copy.values[name]);
      show(form, row.querySelector(".draft-saved"), name, saved[name]);
      rows.appendChild(row);
    });
    box.querySelector(".draft-restore").addEventListener("click", function () {
      box.remove();
      onRestore(copy, names);
    });
    box.querySelector(".draft-discard").addEventListener("click", function () {
      box.remove();
      onDiscard(copy);
    });
    document.getElementById("draft-offers").appendChild(box);
  };
})();
