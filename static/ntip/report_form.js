// The quarterly report form: live totals of disaggregated figures, a warning
// before leaving with changes that are not saved, and the place kept across a
// save (the server opens the page again at the line named in "place"). No
// library needed.
(function () {
  "use strict";

  // Same reading as the server: digits with an optional decimal point, Khmer
  // digits (០–៩) read as 0–9 (plans/formatting.py, ascii_digits).
  function parse(text) {
    text = text.trim().replace(/[\u17E0-\u17E9]/g, function (d) {
      return String(d.charCodeAt(0) - 0x17E0);
    });
    if (text === "") return 0;
    if (!/^\d+(\.\d+)?$/.test(text)) return NaN;
    return parseFloat(text);
  }

  document.querySelectorAll("output[data-total-for]").forEach(function (output) {
    var inputs = document.querySelectorAll('input[data-grid="' + output.dataset.totalFor + '"]');
    function update() {
      var total = 0;
      var readable = true;
      inputs.forEach(function (input) {
        var value = parse(input.value);
        if (isNaN(value)) readable = false;
        else total += value;
      });
      output.textContent = readable ? String(Math.round(total * 10000) / 10000) : "?";
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    output.closest(".ntip-live-total").hidden = false;
    update();
  });

  var form = document.getElementById("report-form");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () {
    dirty = false;
    var place = form.querySelector('input[name="place"]');
    if (place) place.value = placeOnScreen();
  });

  // The line the focal point is at: the last one they typed in if it is still
  // on screen, else the first one showing below the top of the window.
  var lastLine = null;
  form.addEventListener("focusin", function (event) {
    var line = event.target.closest(".card[id]");
    if (line) lastLine = line;
  });
  function onScreen(element) {
    var box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }
  function placeOnScreen() {
    if (lastLine && onScreen(lastLine)) return lastLine.id;
    var lines = form.querySelectorAll(".card[id]");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].getBoundingClientRect().bottom > 0) return lines[i].id;
    }
    return "";
  }
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
