// The slips come back as a download, so the page never changes by itself: the response sets a cookie
// carrying the token sent with the form; once it is there the download has started, and a reload shows
// the new counts. Without this script the form still posts and downloads.
// The cookie name and the two messages come from data-* attributes of #codes-config.
(function () {
  "use strict";
  var config = document.getElementById("codes-config");
  if (!config) return;
  var cookieName = config.dataset.cookie;
  function cookie() {
    var m = document.cookie.match(new RegExp("(?:^|; )" + cookieName + "=([^;]*)"));
    return m ? m[1] : "";
  }
  document.querySelectorAll("form[data-codes-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var token = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
      var status = form.parentNode.querySelector("[data-codes-status]");
      var button = form.querySelector("button");
      form.elements.download_token.value = token;
      status.textContent = config.dataset.working;
      status.hidden = false;
      window.setTimeout(function () { button.disabled = true; }, 0);  // no second batch by a double click
      var timer = window.setInterval(function () {
        if (cookie() !== token) { return; }
        window.clearInterval(timer);
        status.textContent = config.dataset.ready;
        window.setTimeout(function () { window.location.reload(); }, 2000);
      }, 250);
    });
  });
})();
