// Copies of the case form's unsaved text in this browser (localStorage), so
// that a dropped connection or a closed tab loses nothing. Each copy records
// the case version its text started from, the saved values of that version
// and the time it was last typed in, so a copy made before somebody else saved
// is never taken for the latest text. Every page load writes one copy of its
// own; a tab keeps the name across reloads (sessionStorage), so a plain reload
// finds its text. A copy goes only when the server holds its text or the
// person discards it. Loaded before cases.js, which uses window.caseCopies.
(function () {
  "use strict";

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // Fields where `copy` holds text that is neither where it started nor the saved text now.
  function newIn(copy, saved) {
    var from = copy.base || saved;     // copies written before versions were recorded have no base
    return Object.keys(copy.values).filter(function (name) {
      return name in saved && !same(copy.values[name], from[name]) && !same(copy.values[name], saved[name]);
    });
  }

  window.caseCopies = function (prefix) {
    var tabKey = prefix + ":this-tab";
    var own = null;
    try { own = sessionStorage.getItem(tabKey); } catch (e) { /* no session storage */ }

    function rename() {
      own = prefix + ":" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      try { sessionStorage.setItem(tabKey, own); } catch (e) { /* the name lasts for this page */ }
    }
    if (!own) { rename(); }

    function all() {
      var found = [];
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key !== prefix && key.indexOf(prefix + ":") !== 0) { continue; }
          var copy = JSON.parse(localStorage.getItem(key) || "null");
          if (copy && copy.values) { copy.key = key; found.push(copy); }
        }
      } catch (e) { /* storage disabled or a damaged entry: nothing to offer */ }
      return found.sort(function (a, b) { return (b.made || 0) - (a.made || 0); });
    }

    return {
      newIn: newIn,
      same: same,
      all: all,
      own: function () { return own; },
      // A tab whose copy is offered for comparison writes its new text under a new name.
      rename: rename,
      write: function (version, base, values) {
        try { localStorage.setItem(own, JSON.stringify({version: version, base: base, values: values, made: Date.now()})); }
        catch (e) { /* storage full or disabled: the server copy still counts */ }
      },
      remove: function (key) { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
    };
  };
})();
