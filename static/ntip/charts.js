// Draws every chart on the page from the figure spec the server embedded with
// json_script. Charts are decoration over the data tables next to them: if
// plotly.min.js fails to load, the tables still say everything.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var spec = document.getElementById(node.dataset.chart);
      if (!spec) { return; }
      var figure = JSON.parse(spec.textContent);
      var config = {responsive: true, displaylogo: false, locale: document.documentElement.lang || "en",
                    modeBarButtonsToRemove: ["select2d", "lasso2d"]};
      Plotly.newPlot(node, figure.data, figure.layout, config).then(function () {
        node.dataset.drawn = "true";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
