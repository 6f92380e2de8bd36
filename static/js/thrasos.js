/* Thrasos: small progressive enhancements; every page works without them.
   Served from our origin (CSP script-src 'self'), no inline script. */
(function () {
  "use strict";

  /* A table that scrolls inside its own box on a narrow screen (thrasos.css),
     or a wrapper that scrolls its table (.grid-scroll), must be reachable by
     keyboard to be scrolled: give it a tab stop only while it overflows. */
  function markScrollableTables(root) {
    root.querySelectorAll("main table, main .grid-scroll").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1 &&
        getComputedStyle(table).overflowX === "auto";
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollStop = "1";
      } else if (!scrolls && table.dataset.scrollStop) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollStop;
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) { cancelAnimationFrame(pending); }
    pending = requestAnimationFrame(function () { markScrollableTables(document); });
  }

  document.addEventListener("DOMContentLoaded", later);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);

  /* After an htmx swap, put the focus back on the element that had it, or on
     the element the response names with data-focus-after-swap. */
  var focusedId = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var active = document.activeElement;
    if (active && active !== document.body && active.matches("[autofocus]")) {
      return;  /* the response named what takes the focus (htmx focused it) */
    }
    var target = event.detail.target;
    var named = target && target.querySelector("[data-focus-after-swap]");
    var element = named || (focusedId && document.getElementById(focusedId));
    if (element) {
      element.focus({ preventScroll: false });
      if (element.scrollIntoView) { element.scrollIntoView({ block: "nearest" }); }
    }
  });
})();
