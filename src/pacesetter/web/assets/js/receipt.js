// The file is built in the browser from the table on the page: the receipts make no further trip to the
// server and are stored nowhere but on this device. One "name<TAB>receipt" line per row; the BOM lets
// Windows Notepad and Excel read the Chinese names as UTF-8.
(function () {
  "use strict";
  var button = document.querySelector('[data-testid="receipt-download"]');
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var lines = Array.prototype.map.call(document.querySelectorAll("[data-receipt-row]"), function (row) {
      var name = row.querySelector("[data-receipt-name]").textContent.trim();
      var receipt = row.querySelector('[data-testid="receipt"]').textContent.trim();
      return name + "\t" + receipt + "\r\n";
    });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob(["\ufeff" + lines.join("")], {type: "text/plain;charset=utf-8"}));
    link.download = button.dataset.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  });
})();
