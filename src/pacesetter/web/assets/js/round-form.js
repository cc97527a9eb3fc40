// The new-round form: organisation names suggested from a datalist; the grade lines only apply to
// 组织考核 (they stay in the form, and show when the server flagged them). Ids come from #round-form-config.
(function () {
  "use strict";
  var config = document.getElementById("round-form-config");
  if (!config) return;
  var org = document.getElementById(config.dataset.org);
  if (org) { org.setAttribute("list", "round-org-options"); org.setAttribute("autocomplete", "off"); }
  var kind = document.getElementById(config.dataset.kind);
  var grades = config.dataset.grades.split(",");
  var flagged = config.dataset.flagged === "true";
  function toggle() {
    var show = kind.value === "assessment" || flagged;
    grades.forEach(function (id) {
      var input = document.getElementById(id);
      var row = input && input.closest(".mb-3");
      if (row) { row.hidden = !show; }
    });
  }
  if (kind) { kind.addEventListener("change", toggle); toggle(); }
})();
