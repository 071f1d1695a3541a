// A table wider than the screen scrolls inside its .table-responsive box.
// Keyboard users must be able to scroll it too: such a box becomes focusable,
// named after its table's caption (WCAG 2.1.1; axe "scrollable-region-focusable").
(function () {
  "use strict";
  function label(box) {
    var caption = box.querySelector("caption");
    return caption ? caption.textContent.trim() : "";
  }
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (label(box)) {
          box.setAttribute("aria-label", label(box));
        }
        box.dataset.ntipRegion = "true";
      } else if (!scrolls && box.dataset.ntipRegion === "true") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.ntipRegion;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  // Closed <details> open later: their tables are measured when shown.
  document.addEventListener("toggle", mark, true);
})();
