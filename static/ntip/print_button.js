// The progress report's "Print / Save as PDF" button (templates/reports/
// progress_report/progress_report.html): in a file, because the
// Content-Security-Policy lets no inline script or onclick run. The button is
// hidden until this script shows it, so a reader without JavaScript is not
// offered one that does nothing (the browser's own Print still works).
//
// Charts are drawn at the screen's width; on A4 they would overflow the page.
// Before printing each is redrawn at the printed page's width, and after
// printing at the screen's again.
(function () {
  "use strict";
  // A4 (210 mm) less print.css's margins (2 × 15 mm) at 96 px to the inch.
  var PRINT_WIDTH = 680;

  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-chart][data-drawn]"));
  }

  function relayout(width) {
    if (typeof Plotly === "undefined") { return; }
    charts().forEach(function (node) {
      var box = node.parentElement.getBoundingClientRect().width;
      Plotly.relayout(node, { width: width === null ? null : Math.min(width, box || width), autosize: width === null });
    });
  }

  window.addEventListener("beforeprint", function () { relayout(PRINT_WIDTH); });
  window.addEventListener("afterprint", function () { relayout(null); });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
