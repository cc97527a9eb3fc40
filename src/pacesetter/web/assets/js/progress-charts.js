// The progress page's two ECharts: data and translated series names from the data-* of #chart-labels.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var labels = document.getElementById("chart-labels").dataset;
  var s = echarts.init(document.getElementById("chart-sector"));
  s.setOption({tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, top: 40, bottom: 60},
    xAxis: {type: "category", data: d.sectors, axisLabel: {rotate: 30}}, yAxis: {type: "value"},
    series: [
      {name: labels.done, type: "bar", stack: "p", data: d.plans_done, itemStyle: {color: "#2e7d32"}},
      {name: labels.inProgress, type: "bar", stack: "p", data: d.plans_in_progress, itemStyle: {color: "#f9a825"}},
      {name: labels.overdue, type: "bar", stack: "p", data: d.plans_overdue, itemStyle: {color: "#c62828"}},
      {name: labels.notStarted, type: "bar", stack: "p", data: d.plans_not_started, itemStyle: {color: "#9e9e9e"}}]});
  var t = echarts.init(document.getElementById("chart-time"));
  t.setOption({tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, top: 40, bottom: 30},
    xAxis: {type: "category", data: d.months}, yAxis: {type: "value"},
    series: [{name: labels.plans, type: "line", data: d.plans}, {name: labels.records, type: "line", data: d.records}]});
  window.addEventListener("resize", function () { s.resize(); t.resize(); });
})();
