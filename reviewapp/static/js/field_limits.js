// A field's length limit, said instead of enforced by the browser: with maxlength, a paste
// longer than the limit is cut short without a word. Here the whole text stays in the field,
// a message under it says how much too long it is, and the server refuses to save it until
// it is shortened (autosave says so; the browser's copy keeps the text meanwhile).
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var template = form.getAttribute("data-too-long-text") || "{used} / {max}";
  function length(text) { return Array.from(text).length; }   // as the server's len() counts
  form.querySelectorAll("input[maxlength], textarea[maxlength]").forEach(function (field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!(max > 0)) { return; }
    field.removeAttribute("maxlength");
    field.setAttribute("data-limit", String(max));
    var note = document.createElement("p");
    note.className = "error too-long";
    note.id = (field.id || field.name) + "-too-long";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    field.insertAdjacentElement("afterend", note);
    var described = field.getAttribute("aria-describedby") || "";
    field.setAttribute("aria-describedby", (described + " " + note.id).trim());
    function check() {
      var used = length(field.value);
      var over = used > max;
      note.hidden = !over;
      note.textContent = over ? template.replace("{used}", used).replace("{max}", max) : "";
      field.classList.toggle("is-too-long", over);
    }
    field.addEventListener("input", check);
    check();
  });
}());
