// Evidence uploads with a progress bar per file: each file is sent on its
// own XMLHttpRequest so its upload progress can be shown. Without
// JavaScript the form posts all files at once and the page lists the result.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var list = document.getElementById("upload-progress");
  var input = form.querySelector("input[type=file]");

  function row(file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    var bar = document.createElement("progress");
    var note = document.createElement("span");
    name.textContent = file.name + " ";
    bar.max = 100; bar.value = 0;
    note.className = "upload-note";
    item.appendChild(name); item.appendChild(bar); item.appendChild(note);
    list.appendChild(item);
    return {bar: bar, note: note};
  }

  function send(file, ui) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      data.append("caption", form.elements.caption ? form.elements.caption.value : "");
      data.append("files", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { ui.bar.value = Math.round(100 * event.loaded / event.total); }
      });
      request.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
        if (body.accepted && body.accepted.length) {
          ui.bar.value = 100;
          ui.note.textContent = " " + form.getAttribute("data-done-text");
        } else {
          ui.note.textContent = " " + form.getAttribute("data-failed-text") + ": " +
            ((body.refused && body.refused[0] && body.refused[0].message) || request.status);
          ui.note.className = "upload-note error";
        }
        resolve(Boolean(body.accepted && body.accepted.length));
      });
      request.addEventListener("error", function () {
        ui.note.textContent = " " + form.getAttribute("data-failed-text");
        ui.note.className = "upload-note error";
        resolve(false);
      });
      request.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) { return; }
    event.preventDefault();
    list.textContent = "";
    var files = Array.prototype.slice.call(input.files);
    var uploads = files.map(function (file) { return send(file, row(file)); });
    Promise.all(uploads).then(function (results) {
      if (results.every(Boolean)) { window.location.reload(); }
    });
  });
})();
