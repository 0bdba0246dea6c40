// The objection form's challenge: "New picture" fetches another sum (django-simple-captcha's refresh view) and
// empties the answer.  Without JavaScript the button stays hidden and a wrong answer shows a new picture anyway.
(function () {
  "use strict";
  document.querySelectorAll("[data-challenge]").forEach(function (box) {
    var button = box.querySelector("[data-challenge-refresh]");
    var image = box.querySelector("[data-challenge-image]");
    var form = box.closest("form");
    if (!button || !image || !form || !window.fetch) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(box.getAttribute("data-refresh"), {headers: {"X-Requested-With": "XMLHttpRequest"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          image.src = data.image_url;
          var key = form.querySelector("input[name='captcha_0']");
          var answer = form.querySelector("input[name='captcha_1']");
          if (key) { key.value = data.key; }
          if (answer) { answer.value = ""; answer.focus(); }
        })
        .finally(function () { button.disabled = false; });
    });
  });
})();
