/* Unit registration: a live hint for the unified social credit code (GB 32100-2015).
 *
 * When 18 characters have been typed, the code is shown normalised (full-width → half-width,
 * upper case, no spaces or hyphens), its check character is verified, and — if no division is
 * chosen yet — the division whose code matches characters 3–8 is preselected (exact, then the
 * city xxxx00, then the province xx0000) with a hint asking the user to check it.
 * Texts come from data attributes of #credit-code-hint (translated in the template); each division
 * option carries its code (data-code).  The server validates again.  Setting the division fires
 * "change" on its select, which the province → city → county selects follow (division-select.js).
 */
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  var input = document.getElementById("id_credit_code");
  var select = document.getElementById("id_division");
  var hint = document.getElementById("credit-code-hint");
  if (!input || !hint) {
    return;
  }
  var codes = {}; // division code → option value
  if (select) {
    Array.prototype.forEach.call(select.querySelectorAll("option[data-code]"), function (option) {
      codes[option.dataset.code] = option.value;
    });
  }
  var preselected = null; // the option value this script chose, so it can be undone

  function normalise(raw) {
    var text = (raw || "").normalize ? (raw || "").normalize("NFKC") : (raw || "");
    return text.toUpperCase().replace(/[\s\-—_]/g, "");
  }

  function checkCharacter(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) {
      var value = ALPHABET.indexOf(first17.charAt(i));
      if (value < 0) {
        return null;
      }
      total += value * WEIGHTS[i];
    }
    return ALPHABET.charAt((31 - (total % 31)) % 31);
  }

  function hasOption(value) {
    if (!select) {
      return false;
    }
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) {
        return true;
      }
    }
    return false;
  }

  function optionText(value) {
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      if (option.value === value) {
        // Options are labelled below their province (the <optgroup>): say the province too.
        var group = option.parentNode && option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
        return group + option.text;
      }
    }
    return "";
  }

  function setDivision(value) {
    select.value = value;
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function suggestedValue(code) {
    var division = code.substring(2, 8);
    if (!/^\d{6}$/.test(division)) {
      return null;
    }
    var candidates = [division, division.substring(0, 4) + "00", division.substring(0, 2) + "0000"];
    for (var i = 0; i < candidates.length; i++) {
      var pk = codes[candidates[i]];
      if (pk !== undefined && hasOption(String(pk))) {
        return String(pk);
      }
    }
    return null;
  }

  function show(lines) {
    hint.textContent = "";
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line.text;
      if (line.warning) {
        row.className = "text-danger";
      }
      hint.appendChild(row);
    });
  }

  function update() {
    var code = normalise(input.value);
    if (code.length !== 18) {
      show([]);
      return;
    }
    if (input.value !== code) {
      input.value = code;
    }
    var lines = [{text: (hint.dataset.normalisedTemplate || "{code}").replace("{code}", code)}];
    var expected = checkCharacter(code.substring(0, 17));
    if (expected === null || expected !== code.charAt(17)) {
      lines.push({text: hint.dataset.checkTemplate || "", warning: true});
    }
    if (select && (select.value === "" || select.value === preselected)) {
      var value = suggestedValue(code);
      if (value) {
        preselected = value;
        setDivision(value);
        lines.push({text: (hint.dataset.suggestTemplate || "{division}").replace("{division}", optionText(value))});
      } else if (preselected !== null && select.value === preselected) {
        preselected = null;
        setDivision("");
      }
    }
    show(lines);
  }

  input.addEventListener("input", update);
  input.addEventListener("change", update);
  if (select) {
    select.addEventListener("change", function () {
      if (select.value !== preselected) {
        preselected = null;
      }
    });
  }
  update();
})();
