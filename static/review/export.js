/* An export's page: its progress, asked of the server every two seconds until the file is ready (or the
 * export failed); then the download link shows.  The texts come from the page (translated there). */
(function () {
  "use strict";

  var box = document.getElementById("export");
  if (!box || box.getAttribute("data-finished") === "1" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var rowsTemplate = box.getAttribute("data-rows-template");

  function show(state) {
    document.getElementById("export-status").textContent = state.label;
    document.getElementById("export-progress").value = state.percent;
    document.getElementById("export-rows").textContent =
      rowsTemplate.replace("{done}", state.done).replace("{total}", state.total);
    if (state.download) {
      document.getElementById("export-download").href = state.download;
      document.getElementById("export-ready").hidden = false;
    }
    document.getElementById("export-failed").hidden = state.status !== "failed";
    document.getElementById("export-wait").hidden = state.finished;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) {
          return;
        }
        show(state);
        if (!state.finished) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
