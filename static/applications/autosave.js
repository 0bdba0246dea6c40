// Automatic saving of the application editor (no version, log entry or notice is made).
//
// The form is posted to its autosave URL two seconds after the last keystroke, and at once when the
// tab is hidden or the page left.  Each save sends the draft's revision the page is at; the server
// answers the new revision and, for each table it saved, the id of each posted row (the rows are then
// renumbered as applications/drafting.py `renumber` does).  A save refused because a colleague saved in
// between (409), a session that expired (401, or 403 from the CSRF check) or an unreachable server
// leaves the input in localStorage, which the page offers to restore when it is opened again.
(function () {
  "use strict";
  const form = document.getElementById("application-form");
  const editor = window.portalEditor;
  if (!form || !form.dataset.autosaveUrl || !editor) return;

  const DELAY = 2000;
  const RETRY = 15000;
  const PAGE_KEYS = ["csrfmiddlewaretoken", "revision", "editor_client", "editor_seq", "next"];
  const key = "portal-editor:" + form.dataset.application;
  const status = document.getElementById("autosave-status");
  const alertBox = document.getElementById("autosave-alert");
  const keptBox = document.getElementById("autosave-kept");
  const localBox = document.getElementById("local-copy");
  const revision = form.querySelector("input[name=revision]");
  const seqInput = form.querySelector("input[name=editor_seq]");

  function store(area) {
    try { return window[area]; } catch (error) { return null; }
  }
  const local = store("localStorage");
  const session = store("sessionStorage");

  // One id per tab and application, so that the page recognises its own copies once they are saved.
  let client = session && session.getItem(key + ":client");
  if (!client) {
    client = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    if (session) session.setItem(key + ":client", client);
  }
  form.querySelector("input[name=editor_client]").value = client;
  let seq = Number((session && session.getItem(key + ":seq")) || 0);
  let timer = null;
  let inFlight = false;
  let again = false;
  let stopped = false;

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function entries() {
    return Array.from(new FormData(form)).filter(function (pair) {
      return typeof pair[1] === "string" && PAGE_KEYS.indexOf(pair[0]) < 0;
    });
  }

  function keepLocal() {
    if (!local) return;
    try {
      local.setItem(key, JSON.stringify({ at: Date.now(), client: client, seq: seq, entries: entries(),
                                          baseline: baseline }));
    } catch (error) { /* storage full or refused: the server copy is all there is */ }
  }

  function dropLocal() {
    if (local) local.removeItem(key);
  }

  function say(text) {
    status.textContent = text;
  }

  function warn(text, reload) {
    alertBox.querySelector("[data-alert-text]").textContent = text;
    alertBox.querySelector("[data-alert-reload]").classList.toggle("d-none", !reload);
    alertBox.classList.remove("d-none");
  }

  // --- rows: the ids the server gave, in the order it keeps them -------------------------------------

  function rowIndex(row, prefix) {
    const named = row.querySelector("[name^='" + prefix + "-']");
    const match = named && named.name.match(/^[\w]+-(\d+)-/);
    return match ? Number(match[1]) : -1;
  }

  function renameRow(row, prefix, n) {
    const pattern = new RegExp(prefix + "-\\d+-", "g");
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, prefix + "-" + n + "-"));
      });
    });
  }

  function removed(row, prefix) {
    const box = row.querySelector("input[type=checkbox][name$='-DELETE']");
    return Boolean(box && box.checked);
  }

  // ids[i]: the saved id of the row posted at index i (null: not stored). Stored rows first, rows
  // removed go, new rows follow: as drafting.renumber on the server.
  function renumber(section, ids) {
    const prefix = section.dataset.formset;
    const rows = Array.from(section.querySelectorAll("[data-rows] > [data-row]")).map(function (row) {
      return { row: row, index: rowIndex(row, prefix) };
    }).sort(function (a, b) { return a.index - b.index; });
    const kept = [];
    const extra = [];
    rows.forEach(function (item) {
      const id = item.index >= 0 && item.index < ids.length ? ids[item.index] : null;
      if (id) kept.push([item.row, id]);
      else if (removed(item.row, prefix)) item.row.remove();
      else extra.push([item.row, ""]);
    });
    kept.concat(extra).forEach(function (pair, n) {
      renameRow(pair[0], prefix, n);
      const idInput = pair[0].querySelector("input[name='" + prefix + "-" + n + "-id']");
      if (idInput) idInput.value = String(pair[1]);
    });
    section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']").value = String(kept.length + extra.length);
    section.querySelector("input[name='" + prefix + "-INITIAL_FORMS']").value = String(kept.length);
    editor.countRows(section);
  }

  // --- saving --------------------------------------------------------------------------------------

  function schedule(delay) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(save, delay === undefined ? DELAY : delay);
  }

  function body() {
    seqInput.value = String(seq);
    const data = new FormData(form);
    for (const name of Array.from(data.keys())) {
      if (name.startsWith("file-") || name === "csrfmiddlewaretoken" || name === "next") data.delete(name);
    }
    return data;
  }

  function saved(answer, mine) {
    revision.value = String(answer.revision);
    Object.keys(answer.rows || {}).forEach(function (prefix) {
      const section = form.querySelector("[data-formset='" + prefix + "']");
      if (section) renumber(section, answer.rows[prefix]);
    });
    alertBox.classList.add("d-none");
    keptBox.textContent = answer.kept || "";
    keptBox.classList.toggle("d-none", !answer.kept);
    if (seq === mine) {
      dropLocal();
      editor.setDirty(false);
      say(answer.message);
    } else {
      say(answer.message + " · " + form.dataset.msgUnsaved);
    }
  }

  function failed(response, answer) {
    keepLocal();
    if (response.status === 409 && answer.error === "conflict") {
      stopped = true;
      clearTimeout(timer);
      say(form.dataset.msgUnsaved);
      warn(answer.message, true);
    } else if (response.status === 401 || (response.status === 403 && !answer.error)) {
      say(form.dataset.msgUnsaved);
      warn(form.dataset.msgExpired, false);
      schedule(RETRY);
    } else if (answer.message) {
      stopped = true;
      say(form.dataset.msgUnsaved);
      warn(answer.message, true);
    } else {
      throw new Error(String(response.status));
    }
  }

  function save(leavingPage) {
    clearTimeout(timer);
    if (stopped) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    const mine = seq;
    say(form.dataset.msgSaving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body(), credentials: "same-origin", keepalive: leavingPage === true,
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && answer.revision !== undefined) saved(answer, mine);
        else failed(response, answer);
      });
    }).catch(function () {
      keepLocal();
      say(form.dataset.msgOffline);
      schedule(RETRY);
    }).finally(function () {
      inFlight = false;
      if (again) { again = false; schedule(0); }
    });
  }

  editor.onChange(function () {
    seq += 1;
    if (session) session.setItem(key + ":seq", String(seq));
    say(form.dataset.msgUnsaved);
    schedule();
  });

  function leaving() {
    if (!editor.isDirty() || stopped) return;
    keepLocal();
    save(true);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
  });
  window.addEventListener("pagehide", leaving);

  // The save button posts the form itself: the same revision check; the token from the cookie (a login
  // in another tab renews it) and a copy in this browser in case the post does not get through.
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    stopped = true;
    seqInput.value = String(seq);
    form.querySelector("input[name=csrfmiddlewaretoken]").value = csrf();
    keepLocal();
  });

  alertBox.querySelector("[data-alert-reload]").addEventListener("click", function () {
    keepLocal();
    editor.setDirty(false);
    window.location.reload();
  });

  // --- a copy kept in this browser -----------------------------------------------------------------

  function grouped(pairs) {
    const values = new Map();
    (pairs || []).forEach(function (pair) {
      if (!values.has(pair[0])) values.set(pair[0], []);
      values.get(pair[0]).push(pair[1]);
    });
    return values;
  }

  // What the user changed on the page the copy was kept from (against that page as it was loaded): only
  // those fields, and those tables whole, are put back, so a colleague's changes elsewhere stay.
  function changedNames(copy) {
    const now = grouped(copy.entries);
    const then = grouped(copy.baseline);
    const names = new Set();
    new Set(Array.from(now.keys()).concat(Array.from(then.keys()))).forEach(function (name) {
      if (JSON.stringify(now.get(name) || []) !== JSON.stringify(then.get(name) || [])) {
        const table = name.match(/^(\w+)-(\d+|TOTAL_FORMS)/);
        names.add(table ? "table:" + table[1] : name);
      }
    });
    return names;
  }

  function fill(values, changed) {
    form.querySelectorAll("[data-formset]").forEach(function (section) {
      const prefix = section.dataset.formset;
      if (!changed.has("table:" + prefix)) return;
      const present = new Set(Array.from(section.querySelectorAll("input[name$='-id']")).map(function (el) {
        return el.value;
      }).filter(Boolean));
      section.querySelectorAll("[data-rows] > [data-row]").forEach(function (row) { row.remove(); });
      section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']").value = "0";
      const total = Number((values.get(prefix + "-TOTAL_FORMS") || ["0"])[0]);
      const ids = [];
      for (let i = 0; i < total; i += 1) {
        const row = editor.addRow(section, false);
        setValues(row, values);
        const id = (values.get(prefix + "-" + i + "-id") || [""])[0];
        ids.push(present.has(id) ? id : null);  // a row deleted meanwhile is added again as a new row
        if (removed(row, prefix)) row.portalSetRemoved(true);
      }
      renumber(section, ids);
    });
    setValues(form, values, changed);
  }

  function setValues(scope, values, only) {
    scope.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (PAGE_KEYS.indexOf(el.name) >= 0 || el.type === "file" || el.type === "hidden") return;
      if (only && (el.closest("[data-formset]") || !only.has(el.name))) return;
      const given = values.get(el.name);
      if (el.type === "checkbox") el.checked = Boolean(given);
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.from(el.options).forEach(function (o) { o.selected = Boolean(given && given.indexOf(o.value) >= 0); });
      } else el.value = given ? given[0] : "";
    });
  }

  function offer(copy) {
    const text = localBox.querySelector("[data-local-text]");
    text.textContent = text.dataset.template.replace("%(time)s", new Date(copy.at).toLocaleString());
    localBox.classList.remove("d-none");
    localBox.querySelector("[data-local-restore]").addEventListener("click", function () {
      fill(grouped(copy.entries), changedNames(copy));
      localBox.classList.add("d-none");
      editor.changed();
    });
    localBox.querySelector("[data-local-discard]").addEventListener("click", function () {
      dropLocal();
      localBox.classList.add("d-none");
    });
  }

  // The page as it was loaded: what a kept copy is compared with.
  const baseline = entries();
  const copy = local && JSON.parse(local.getItem(key) || "null");
  if (copy && copy.entries) {
    const savedAlready = copy.client === form.dataset.lastClient && copy.seq <= Number(form.dataset.lastSeq || 0);
    const shownAlready = (form.dataset.bound && copy.client === client) ||
      JSON.stringify(copy.entries) === JSON.stringify(entries());
    if (savedAlready || shownAlready) dropLocal();
    else offer(copy);
  }
})();
