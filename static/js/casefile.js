/* The case file (templates/beneficiaries/detail.html). Progressive
   enhancement only: every form also works as a plain POST without it.
   - the pathway form shows only the fields the chosen stage needs, and the
     header's "next stage" link opens it on that stage;
   - after a panel is saved in place, its outcome takes the focus at once;
   - the print button. */
(function () {
  "use strict";

  function within(root, selector) {
    const found = Array.from(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      found.unshift(root);
    }
    return found;
  }

  function showFieldsFor(form) {
    const select = form.querySelector("[data-pathway-target]");
    if (!select) {
      return;
    }
    form.querySelectorAll("[data-show-for]").forEach(function (element) {
      const targets = element.dataset.showFor.split(" ");
      element.hidden = !targets.includes(select.value);
    });
  }

  function init(root) {
    within(root, "form[data-pathway-form]").forEach(function (form) {
      if (!form.dataset.ready) {
        form.dataset.ready = "true";
        form.addEventListener("change", function (event) {
          if (event.target.matches("[data-pathway-target]")) {
            showFieldsFor(form);
          }
        });
      }
      showFieldsFor(form);
    });
    // "Next: … Record this stage": opens the pathway form on that stage.
    within(root, "a[data-open-stage]").forEach(function (link) {
      if (link.dataset.ready) {
        return;
      }
      link.dataset.ready = "true";
      link.addEventListener("click", function (event) {
        const form = document.querySelector("form[data-pathway-form]");
        const select = form && form.querySelector("[data-pathway-target]");
        if (!select) {
          return;
        }
        event.preventDefault();
        form.closest("details").open = true;
        select.value = link.dataset.openStage;
        showFieldsFor(form);
        select.focus();
      });
    });
    within(root, "[data-print]").forEach(function (button) {
      button.hidden = false;
      if (!button.dataset.ready) {
        button.dataset.ready = "true";
        button.addEventListener("click", function () {
          window.print();
        });
      }
    });
  }

  /* Scrolls `element` into sight below the sticky table of contents. */
  function keepInSight(element) {
    const nav = document.querySelector(".casefile-nav");
    const top = (nav ? nav.getBoundingClientRect().height : 0) + 8;
    const rect = element.getBoundingClientRect();
    if (rect.top < top || rect.bottom > window.innerHeight) {
      window.scrollBy({ top: rect.top - top, behavior: "instant" });
    }
  }

  /* A panel saved in place (htmx) comes back with its outcome, "saved" or
     "not saved" above the marked fields (casefile/_status.html, autofocus):
     focus it as soon as the panel is swapped in. htmx focuses an autofocus
     element only when it settles, 20 ms later, and meanwhile the focus was
     on <body> (the submit button that had it is gone): a screen reader lost
     its place, and a refused note right after a saved one was seen with the
     focus on <body> (issue 17). The outcome is put in sight below the
     sticky table of contents, where focus() alone could leave it. */
  document.addEventListener("htmx:afterSwap", function (event) {
    const panel = event.detail.elt;
    if (!panel || !panel.matches || !panel.matches(".casefile-panel")) {
      return;
    }
    const outcome = panel.querySelector(".casefile-status[autofocus]");
    if (outcome) {
      outcome.focus({ preventScroll: true });
      keepInSight(outcome);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    init(event.detail.elt);
  });
})();
