// Objection form: show the fields for the kind of objector chosen (both stay visible without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("objection-form");
  if (!form) { return; }
  var radios = form.querySelectorAll("input[name='kind']");
  var sets = form.querySelectorAll("[data-objector]");
  function update() {
    var chosen = form.querySelector("input[name='kind']:checked");
    sets.forEach(function (set) {
      var show = !chosen || set.getAttribute("data-objector") === chosen.value ||
        (chosen.value === "unit" && set.getAttribute("data-objector") === "person");
      set.classList.toggle("d-none", !show);
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
