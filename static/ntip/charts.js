// Draws every chart on the page from the figure spec the server embedded with
// json_script. Charts are decoration over the data tables next to them: if
// plotly.min.js fails to load, the tables still say everything.
(function () {
  "use strict";
  // On a phone (or any screen without a mouse to hover with) Plotly's toolbar
  // would sit on the chart's labels; its one useful button (download as PNG)
  // is not worth it there. Elsewhere it shows on hover, with that button only:
  // every axis is fixed, so zoom, pan and reset would do nothing.
  var NARROW = "(max-width: 767.98px), (hover: none)";

  function config() {
    var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
    return {
      responsive: true,
      displaylogo: false,
      locale: document.documentElement.lang || "en",
      displayModeBar: narrow ? false : "hover",
      modeBarButtons: [["toImage"]]
    };
  }

  // Plotly's own words (the tooltip of its one button) in the page's language,
  // given by the page (templates/reports/dashboards/_chart.html), not a catalogue.
  var localised = false;
  function localise(node) {
    var lang = document.documentElement.lang || "en";
    var label = node.dataset.downloadLabel;
    if (localised || !label || lang.slice(0, 2) === "en") { return; }
    Plotly.register({
      moduleType: "locale",
      name: lang,
      dictionary: {"Download plot as a PNG": label, "Download plot": label}
    });
    localised = true;
  }

  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var spec = document.getElementById(node.dataset.chart);
      if (!spec) { return; }
      localise(node);
      var figure = JSON.parse(spec.textContent);
      // The room the chart will take, kept before it is drawn; set here, not in
      // a style="…" attribute, which the Content-Security-Policy does not apply.
      if (node.dataset.minHeight) { node.style.minHeight = node.dataset.minHeight + "px"; }
      Plotly.newPlot(node, figure.data, figure.layout, config()).then(function () {
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
