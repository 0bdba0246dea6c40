// The expert's scoring sheet: a live preview of the weighted total (the server computes the
// real one on submission).  No inline script: the page's CSP allows only static files.
(function () {
  "use strict";
  const form = document.getElementById("score-form");
  const out = document.getElementById("total-preview");
  if (!form || !out) return;
  const inputs = Array.from(form.querySelectorAll("input.score-input"));

  function update() {
    let sum = 0;
    let weights = 0;
    let complete = true;
    for (const input of inputs) {
      const weight = parseFloat(input.dataset.weight || "0");
      const value = parseFloat(input.value);
      weights += weight;
      if (Number.isNaN(value) || value < 0 || value > 100) {
        complete = false;
        continue;
      }
      sum += value * weight;
    }
    out.textContent = complete && weights > 0 ? (sum / weights).toFixed(2) : "—";
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
