// On a phone every table row becomes a card (app.css): each cell is labelled with its
// column's header, from data-label, so a value is never read without what it is.
(function () {
  "use strict";
  function label(cell) { return cell.textContent.replace(/\s+/g, " ").trim(); }
  document.querySelectorAll("main table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) { labels.push(label(cell)); }
    });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) { rows = rows.concat(Array.from(body.rows)); });
    if (table.tFoot) { rows = rows.concat(Array.from(table.tFoot.rows)); }
    rows.forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label") && labels[column]) { cell.setAttribute("data-label", labels[column]); }
        column += cell.colSpan || 1;
      });
    });
  });
})();
