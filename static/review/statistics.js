// The statistics page's charts: ECharts (served from node_modules, see portal/settings.py) draws each
// element with data-chart from the figures the page passes in <script id="statistics-data" type="application/json">.
(function () {
  "use strict";
  var source = document.getElementById("statistics-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var figure = data[element.dataset.chart];
    if (!figure || !figure.labels.length) {
      return;
    }
    var chart = echarts.init(element, null, {renderer: "canvas"});
    var horizontal = figure.labels.length > 6;
    var categories = {type: "category", data: figure.labels, axisLabel: {interval: 0, width: 160, overflow: "truncate"}};
    var values = {type: "value", minInterval: element.dataset.chart === "medians" ? 0 : 1};
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
      xAxis: horizontal ? values : Object.assign({}, categories, {axisLabel: {interval: 0, rotate: 30, width: 120, overflow: "truncate"}}),
      yAxis: horizontal ? Object.assign({}, categories, {inverse: true}) : values,
      series: [{type: "bar", barMaxWidth: 48, data: figure.values, label: {show: true, position: horizontal ? "right" : "top"}}]
    });
    element.dataset.drawn = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
