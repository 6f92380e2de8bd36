/* The case file (templates/beneficiaries/detail.html). Progressive
   enhancement only: every form also works as a plain POST without it.
   - the pathway form shows only the fields the chosen stage needs, and the
     header's "next stage" link opens it on that stage;
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

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    init(event.detail.elt);
  });
})();
