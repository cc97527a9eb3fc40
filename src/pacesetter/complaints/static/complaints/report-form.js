// 获取验证码 on the public report form: asks for a text code without leaving the page (CSP: no inline script).
document.getElementById("send-code").addEventListener("click", function () {
  var form = this.form, status = document.getElementById("code-status"), body = new FormData();
  body.append("phone", form.querySelector("[name=phone]").value);
  body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
  fetch(this.dataset.url, {method: "POST", body: body, credentials: "same-origin"})
    .then(function (r) { return r.json(); }).then(function (d) { status.textContent = d.message; });
});
