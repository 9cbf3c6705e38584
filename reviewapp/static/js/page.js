// Every page: an error summary takes focus when the page opens (so a screen reader reads it and
// Tab goes through its links to the fields), and the administrator's grouped menu opens on a button.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }
  function setUpMenu(group, index) {
    var label = group.querySelector(".menu-label");
    var list = group.querySelector(".submenu");
    if (!label || !list) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "menu-toggle";
    button.textContent = label.textContent;
    list.id = list.id || "submenu-" + index;
    button.setAttribute("aria-controls", list.id);
    button.setAttribute("aria-expanded", "false");
    label.replaceWith(button);
    list.hidden = true;
    function open(yes) {
      button.setAttribute("aria-expanded", yes ? "true" : "false");
      list.hidden = !yes;
    }
    button.addEventListener("click", function () {
      var opening = button.getAttribute("aria-expanded") !== "true";
      document.querySelectorAll(".menu-toggle[aria-expanded=true]").forEach(function (other) {
        if (other !== button) { other.click(); }
      });
      open(opening);
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !list.hidden) { open(false); button.focus(); }
    });
    group.addEventListener("focusout", function (event) {
      if (!group.contains(event.relatedTarget)) { open(false); }
    });
    document.addEventListener("click", function (event) {
      if (!group.contains(event.target)) { open(false); }
    });
  }
  function start() {
    focusSummary();
    var nav = document.querySelector(".main-nav");
    if (!nav) { return; }
    nav.querySelectorAll(".menu-group").forEach(setUpMenu);
    nav.classList.add("has-menus");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
