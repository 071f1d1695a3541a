// Submits a form as soon as one of its <select data-autosubmit> changes (the
// language switch, the dashboards' "as of period"). In a file rather than an
// onchange="…" attribute, because the Content-Security-Policy lets no inline
// script run. Without JavaScript, each such form has a <noscript> button.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
