// The plan editor: a contenteditable box with a small toolbar, copied into the textarea on submit.
// Without script the plain textarea stays and works.
(function () {
  "use strict";
  var editor = document.getElementById("plan-editor"), area = document.getElementById("id_body");
  var toolbar = document.getElementById("editor-toolbar"), form = document.getElementById("plan-form");
  if (!editor || !area || !toolbar || !form || !document.execCommand) return;
  editor.hidden = false; toolbar.hidden = false; area.hidden = true;
  document.execCommand("defaultParagraphSeparator", false, "p");
  toolbar.addEventListener("click", function (e) {
    var b = e.target.closest("button"); if (!b) return;
    editor.focus();
    if (b.dataset.cmd) document.execCommand(b.dataset.cmd, false, null);
    if (b.dataset.block) document.execCommand("formatBlock", false, "<" + b.dataset.block + ">");
  });
  form.addEventListener("submit", function () { area.value = editor.innerHTML; });
})();
