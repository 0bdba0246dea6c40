// The programme editor's route (applications/stage_forms.py): show only the chosen stage's
// parameters, add a row, move a row up or down (renumbering the ORDER inputs).  Without this
// script every parameter is shown and the order numbers can be typed; the server checks both.
(function () {
  "use strict";

  function wireBox(box) {
    const prefix = box.dataset.prefix;
    const fields = JSON.parse(box.dataset.stageFields);
    const body = box.querySelector("tbody");
    const total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");

    function showParams(row) {
      const wanted = fields[row.querySelector(".stage-row-key select").value] || [];
      row.querySelectorAll(".stage-param").forEach(function (param) {
        // A parameter with an error stays visible, so that its message is seen.
        param.hidden = wanted.indexOf(param.dataset.param) < 0 && !param.classList.contains("errors");
      });
    }

    function renumber() {
      body.querySelectorAll(".stage-row").forEach(function (row, index) {
        row.querySelector(".stage-row-order input").value = index + 1;
      });
    }

    function wire(row) {
      row.querySelector(".stage-row-key select").addEventListener("change", function () { showParams(row); });
      row.querySelector(".stage-row-up").addEventListener("click", function () {
        if (row.previousElementSibling) { body.insertBefore(row, row.previousElementSibling); renumber(); }
      });
      row.querySelector(".stage-row-down").addEventListener("click", function () {
        if (row.nextElementSibling) { body.insertBefore(row.nextElementSibling, row); renumber(); }
      });
      showParams(row);
    }

    body.querySelectorAll(".stage-row").forEach(wire);
    box.querySelector(".stage-row-add").addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      const html = box.querySelector(".stage-row-template").innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      wire(body.lastElementChild);
      renumber();
    });
  }

  function start() {
    document.querySelectorAll(".stage-rows").forEach(wireBox);
  }

  // The admin puts its form's scripts in the page's head: wait for the rows.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
