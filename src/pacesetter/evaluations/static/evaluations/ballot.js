// The ballot page: after a refused sheet, focus goes to the error summary, whose links lead to their questions;
// a public ballot (form[data-parts]) of several targets is answered one target at a time, with progress shown.
// The parts stay in this browser tab (sessionStorage), never on the server; the sheet is cast once, whole.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot]");
  if (!form) return;
  var summary = document.querySelector("[data-error-summary]");
  var parts = Array.prototype.slice.call(form.querySelectorAll("[data-part]"));
  var paged = form.hasAttribute("data-parts") && parts.length > 1;
  var key = "pacesetter:ballot:" + form.getAttribute("action");
  var current = 0;
  var bar, progressText, prevButton, nextButton, submitButton;

  function store() {
    try {
      return JSON.parse(window.sessionStorage.getItem(key) || "{}");
    } catch (e) {
      return {};
    }
  }

  function save(data) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(data));
    } catch (e) { /* storage full or disabled: the form still works, only without resuming */ }
  }

  function partOf(element) {
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].contains(element)) return i;
    }
    return -1;
  }

  function countAnswered(root) {
    var groups = root.querySelectorAll("fieldset[data-testid=question]");
    var done = 0;
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].querySelector("input:checked")) done++;
    }
    return [done, groups.length];
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) { return values[name]; });
  }

  function show(index, focusHeading) {
    current = Math.max(0, Math.min(parts.length - 1, index));
    parts.forEach(function (part, i) { part.hidden = i !== current; });
    var all = countAnswered(form);
    progressText.textContent = format(form.getAttribute("data-text-progress"), {
      n: current + 1, total: parts.length, done: all[0], all: all[1]
    });
    bar.querySelector(".progress-bar").style.width = Math.round((100 * all[0]) / all[1]) + "%";
    bar.querySelector(".progress").setAttribute("aria-valuenow", String(Math.round((100 * all[0]) / all[1])));
    prevButton.hidden = current === 0;
    nextButton.hidden = current === parts.length - 1;
    submitButton.hidden = current !== parts.length - 1;
    var suggestion = form.querySelector("[data-suggestion]");
    if (suggestion) suggestion.hidden = current !== parts.length - 1; // 意见建议 come after the last target
    var data = store();
    data._part = current;
    save(data);
    if (focusHeading) {
      var heading = parts[current].querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      window.scrollTo(0, 0);
    }
  }

  // Answers kept in this tab come back, unless the server sent the sheet back with answers of its own.
  var saved = store();
  Object.keys(saved).forEach(function (name) {
    if (name.charAt(0) === "_" || form.querySelector("input[name='" + name + "']:checked")) return;
    var input = form.querySelector("input[name='" + name + "'][value='" + saved[name] + "']");
    if (input) input.checked = true;
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "radio") return;
    var data = store();
    data[event.target.name] = event.target.value;
    save(data);
    if (paged) show(current, false);
  });
  form.addEventListener("submit", function () {
    // Refused or not, the server answers with the posted sheet; nothing needs keeping here any more.
    try { window.sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  });

  if (paged) {
    // The server drew the controls and shows the first part (or the first with a missing answer).
    submitButton = form.querySelector("[data-testid=ballot-submit]");
    bar = form.querySelector("[data-testid=ballot-progress]");
    progressText = document.getElementById("ballot-progress-text");
    prevButton = form.querySelector("[data-testid=part-prev]");
    nextButton = form.querySelector("[data-testid=part-next]");
    prevButton.addEventListener("click", function () { show(current - 1, true); });
    nextButton.addEventListener("click", function () { show(current + 1, true); });
    var shown = parts.filter(function (part) { return !part.hidden; })[0];
    var start = summary ? parts.indexOf(shown) : Number(saved._part || 0);
    show(start >= 0 && start < parts.length ? start : 0, false);
  }

  function reveal(fieldset) {
    if (paged) show(partOf(fieldset), false);
    var input = fieldset.querySelector("input");
    fieldset.scrollIntoView({block: "center"});
    if (input) input.focus();
  }

  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#f-']");
      if (!link) return;
      var fieldset = document.getElementById(link.getAttribute("href").slice(1));
      if (!fieldset) return;
      event.preventDefault();
      reveal(fieldset);
    });
    summary.focus();
  }
})();
