// Behaviour every page may use, declared in the markup so that no page needs inline script (the
// Content-Security-Policy allows scripts from our own files only):
//   <form data-confirm="…">, <button data-confirm="…">  ask before submitting
//   <select data-autosubmit>                            submit its form on change
//   <a data-history-back>                               go back one page
//   <input data-org-suggest hx-get=…>                   send what was typed as ?q= (organisation names)
//   <span data-tree-toggle hx-get=…>                    organisation tree: load children once, then fold
//   <input type="checkbox" data-check-all="ids">        tick or untick every name="ids" box of its form
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
    if (el.matches && el.matches("input[data-check-all]") && el.form) {
      el.form.querySelectorAll('input[type="checkbox"][name="' + el.dataset.checkAll + '"]').forEach(
        function (box) { box.checked = el.checked; }
      );
    }
  });

  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("[data-history-back]");
    if (back) {
      event.preventDefault();
      window.history.back();
      return;
    }
    var toggle = event.target.closest && event.target.closest("[data-tree-toggle]");
    if (toggle && toggle.dataset.loaded === "1") {
      var list = toggle.parentNode.querySelector(":scope > ul");
      list.hidden = !list.hidden;
      toggle.textContent = list.hidden ? "▸" : "▾";
      toggle.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-org-suggest")) {
      event.detail.parameters.q = el.value;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var toggle = event.detail.elt;
    if (!toggle.hasAttribute || !toggle.hasAttribute("data-tree-toggle") || toggle.dataset.loaded === "1") {
      return;
    }
    toggle.closest("li").classList.toggle("open");
    toggle.setAttribute("aria-expanded", "true");
    toggle.textContent = "▾";
    toggle.removeAttribute("hx-get");
    toggle.dataset.loaded = "1";
    window.htmx.process(toggle);
  });
})();
