// The score page's radar chart: one axis per 五个好 / 五带头 item, values 0–100 from #radar-data.
(function () {
  "use strict";
  var source = document.getElementById("radar-data");
  if (!source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(document.getElementById("chart-radar"));
  chart.setOption({
    tooltip: {},
    radar: {indicator: d.items.map(function (name) { return {name: name, max: 100}; })},
    series: [{type: "radar", data: [{value: d.values, areaStyle: {opacity: 0.2}}], itemStyle: {color: "#c62828"}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
