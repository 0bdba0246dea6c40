/* Division of registration: province → city → county selects over the plain <select data-division-select>.
 *
 * Without JavaScript the page shows the plain select (every city and county, grouped by province).
 * With it, the plain select is hidden and stays the field that is submitted; three selects set it:
 * the province (the <optgroup>s), the city (options whose data-parent is the province) and the county
 * (options whose data-parent is the city; "the city itself" keeps the city).  A municipality's
 * districts hang directly under it, so its second select lists the districts and the third is hidden.
 * A script that changes the plain select (the credit-code suggestion) fires "change" on it, and the
 * three selects follow.  Texts come from the select's data attributes (translated by the form).
 */
(function () {
  "use strict";

  function build(original) {
    var texts = original.dataset;
    var byParent = {};
    var byValue = {};
    var byCode = {};
    var provinces = [];
    Array.prototype.forEach.call(original.querySelectorAll("optgroup"), function (group) {
      var first = group.querySelector("option[data-code]");
      if (!first) {
        return;
      }
      provinces.push({code: first.dataset.code.substring(0, 2) + "0000", name: group.label});
    });
    Array.prototype.forEach.call(original.querySelectorAll("option[data-code]"), function (option) {
      var item = {value: option.value, code: option.dataset.code, parent: option.dataset.parent, name: option.text};
      (byParent[item.parent] = byParent[item.parent] || []).push(item);
      byValue[item.value] = item;
      byCode[item.code] = item;
    });

    var box = document.createElement("div");
    box.className = "row g-2 division-cascade";
    function makeSelect(key, label) {
      var column = document.createElement("div");
      column.className = "col-md-4";
      var select = document.createElement("select");
      select.className = "form-select";
      select.id = original.id + "-" + key;
      select.setAttribute("aria-label", label);
      var caption = document.createElement("label");
      caption.className = "form-label small text-body-secondary mb-0";
      caption.htmlFor = select.id;
      caption.textContent = label;
      column.appendChild(caption);
      column.appendChild(select);
      box.appendChild(column);
      return {column: column, select: select};
    }
    var province = makeSelect("province", texts.provinceLabel || "");
    var city = makeSelect("city", texts.cityLabel || "");
    var county = makeSelect("county", texts.countyLabel || "");

    function fill(select, items, first) {
      select.textContent = "";
      var blank = document.createElement("option");
      blank.value = first.value;
      blank.textContent = first.text;
      select.appendChild(blank);
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.value;
        option.textContent = item.name;
        select.appendChild(option);
      });
    }

    fill(province.select, provinces.map(function (p) { return {value: p.code, name: p.name}; }),
         {value: "", text: texts.choose || ""});

    function showCities(provinceCode) {
      var items = byParent[provinceCode] || [];
      fill(city.select, items, {value: "", text: texts.choose || ""});
      city.column.hidden = !provinceCode;
    }

    function showCounties(cityItem) {
      // A county's option reads 合肥市蜀山区 (below its province); below its city, 蜀山区 is enough.
      var items = (cityItem ? byParent[cityItem.code] || [] : []).map(function (item) {
        var short = item.name.indexOf(cityItem.name) === 0 ? item.name.substring(cityItem.name.length) : item.name;
        return {value: item.value, name: short || item.name};
      });
      fill(county.select, items, {value: cityItem ? cityItem.value : "", text: texts.wholeCity || ""});
      county.column.hidden = items.length === 0;
    }

    function render() {
      var chosen = byValue[original.value];
      var cityItem = null;
      var countyItem = null;
      if (chosen) {
        var parent = byCode[chosen.parent];
        if (parent) {
          cityItem = parent;
          countyItem = chosen;
        } else {
          cityItem = chosen;
        }
      }
      var provinceCode = chosen ? cityItem.parent : province.select.value;
      province.select.value = provinceCode || "";
      showCities(province.select.value);
      city.select.value = cityItem ? cityItem.value : "";
      showCounties(cityItem);
      county.select.value = countyItem ? countyItem.value : (cityItem ? cityItem.value : "");
    }

    function commit(value) {
      original.value = value;
      original.dispatchEvent(new Event("change", {bubbles: true}));
    }

    province.select.addEventListener("change", function () {
      showCities(province.select.value);
      showCounties(null);
      commit("");
    });
    city.select.addEventListener("change", function () {
      var item = byValue[city.select.value] || null;
      showCounties(item);
      commit(item ? item.value : "");
    });
    county.select.addEventListener("change", function () {
      commit(county.select.value);
    });
    original.addEventListener("change", render);

    if (original.disabled) {
      [province, city, county].forEach(function (part) { part.select.disabled = true; });
    }
    original.hidden = true;
    original.parentNode.insertBefore(box, original);
    render();
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-division-select]"), build);
})();
