// The results page's bar chart: data and translated names from #results-chart-data and #results-chart-labels.
(function () {
  "use strict";
  var source = document.getElementById("results-chart-data");
  if (!source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var labels = document.getElementById("results-chart-labels").dataset;
  var el = document.getElementById("results-chart");
  el.style.height = Math.max(220, 36 * d.names.length + 80) + "px";
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    grid: {left: 8, right: 40, top: 24, bottom: 36, containLabel: true},
    legend: {bottom: 0},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    xAxis: {type: "value", max: 100},
    yAxis: {type: "category", data: d.names},
    series: [
      {name: labels.satisfaction, type: "bar", itemStyle: {color: "#3b6fb6"},
       data: d.satisfaction.map(function (v, i) {  // below the line: red
         return {value: v, itemStyle: {color: d.low[i] ? "#dc3545" : "#3b6fb6"}}; }),
       label: {show: true, position: "right"},
       markLine: {symbol: "none", data: [{xAxis: d.threshold, name: labels.threshold}],
                  lineStyle: {color: "#dc3545", type: "dashed"}, label: {formatter: labels.threshold + " {c}%"}}},
      {name: labels.score, type: "bar", data: d.score, itemStyle: {color: "#f0ad4e"},
       label: {show: true, position: "right"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
