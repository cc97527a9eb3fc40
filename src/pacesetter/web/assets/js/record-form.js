// The meeting fields show only for the record kinds that are meetings.
(function () {
  "use strict";
  var box = document.getElementById("meeting-fields"), kind = document.getElementById("id_kind");
  if (!box || !kind) return;
  var kinds = box.dataset.kinds.split(",");
  function sync() { box.hidden = kinds.indexOf(kind.value) < 0; }
  kind.addEventListener("change", sync); sync();
})();
