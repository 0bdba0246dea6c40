// The application editor: add/remove table rows without losing what was typed, keep the
// eligibility panel live, and warn before leaving with unsaved changes.  autosave.js uses
// window.portalEditor (rows, the unsaved-changes flag, change listeners).
(function () {
  "use strict";
  const form = document.getElementById("application-form");
  if (!form) return;
  const panel = document.getElementById("eligibility-panel");
  const busy = document.querySelector("[data-eligibility-busy]");
  let dirty = false;
  let timer = null;
  let sequence = 0;
  const listeners = [];

  function countRows(section) {
    const n = String(section.querySelectorAll("[data-row]:not(.row-removed)").length);
    const badge = section.querySelector("[data-row-count]");
    if (badge) badge.textContent = n;
    const index = document.querySelector("[data-index-count='" + section.dataset.formset + "']");
    if (index) index.textContent = n;
  }

  function changed() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(refreshEligibility, 400);
    listeners.forEach(function (listener) { listener(); });
  }

  function refreshEligibility() {
    const data = new FormData(form);
    for (const key of Array.from(data.keys())) {
      if (key.startsWith("file-")) data.delete(key);
    }
    const mine = ++sequence;
    if (busy) busy.classList.remove("d-none");
    fetch(form.dataset.eligibilityUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        // A session that expired is sent to the login page: keep the panel, do not show that page in it.
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        if (mine === sequence) panel.innerHTML = html;
      })
      .catch(function () { /* the panel keeps its last state; saving still works */ })
      .finally(function () {
        if (mine === sequence && busy) busy.classList.add("d-none");
      });
  }

  function bindRow(row) {
    const section = row.closest("[data-formset]");
    const del = row.querySelector("input[type=checkbox][name$='-DELETE']");
    const remove = row.querySelector("[data-remove-row]");
    const undo = row.querySelector("[data-undo-row]");
    const note = row.querySelector("[data-removed-note]");
    function setRemoved(removed) {
      if (del) del.checked = removed;
      row.classList.toggle("row-removed", removed);
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (el !== del && el.type !== "hidden") el.disabled = removed;
      });
      remove.classList.toggle("d-none", removed);
      undo.classList.toggle("d-none", !removed);
      note.classList.toggle("d-none", !removed);
      countRows(section);
      changed();
    }
    remove.addEventListener("click", function () { setRemoved(true); });
    undo.addEventListener("click", function () { setRemoved(false); });
    row.portalSetRemoved = setRemoved;
    if (del && del.checked) setRemoved(true);
  }

  function addRow(section, focus) {
    const prefix = section.dataset.formset;
    const total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const template = section.querySelector("template[data-empty-row]");
    const index = parseInt(total.value, 10);
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    const row = holder.firstElementChild;
    section.querySelector("[data-rows]").appendChild(row);
    total.value = String(index + 1);
    bindRow(row);
    countRows(section);
    const first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first && focus) first.focus();
    return row;
  }

  document.querySelectorAll("[data-formset]").forEach(function (section) {
    section.querySelectorAll("[data-row]").forEach(bindRow);
    section.querySelector("[data-add-row]").addEventListener("click", function () { addRow(section, true); });
  });

  // The section index marks the section in view.
  const links = Array.from(document.querySelectorAll("#section-index a"));
  if (links.length && "IntersectionObserver" in window) {
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        links.forEach(function (link) {
          link.classList.toggle("active", link.getAttribute("href") === "#" + entry.target.id);
        });
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    document.querySelectorAll(".editor-section").forEach(function (section) { observer.observe(section); });
  }

  window.portalEditor = {
    addRow: addRow,
    countRows: countRows,
    changed: changed,
    isDirty: function () { return dirty; },
    setDirty: function (value) { dirty = value; },
    onChange: function (listener) { listeners.push(listener); },
  };

  // Disabled inputs are not posted; re-enable them (the DELETE box decides) before sending.
  form.addEventListener("submit", function () {
    dirty = false;
    form.querySelectorAll(".row-removed input, .row-removed select, .row-removed textarea").forEach(function (el) {
      el.disabled = false;
    });
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") changed();
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") { dirty = true; return; }
    changed();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.dataset.leaveWarning;
    }
  });
})();
