// Irreversible actions: a form with data-confirm asks before it is sent, in the page's words
// (what will happen, e.g. how many organizations are e-mailed). Without script the form's own
// text says the same and the server still checks everything.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
}, true);
