// 数据驾驶舱: draws each chart from the figures the page carries; no request of its own.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const palette = ["#206bc4", "#2fb344", "#f76707", "#d63939", "#ae3ec9", "#17a2b8", "#f59f00", "#4263eb"];
  const charts = [];
  const base = { color: palette, textStyle: { fontFamily: "inherit" }, grid: { left: 40, right: 16, top: 40, bottom: 30, containLabel: true } };

  const english = document.documentElement.lang.startsWith("en");
  const nothing = english ? "Nothing to show for this period" : "本期暂无数据";

  function draw(id, option, empty) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    // An empty chart says so, rather than showing bare axes that look broken.
    const said = empty ? { title: { text: nothing, left: "center", top: "middle", textStyle: { color: "#868e96", fontSize: 14, fontWeight: "normal" } }, series: [], xAxis: { show: false }, yAxis: { show: false } } : {};
    chart.setOption(Object.assign({}, base, option, said));
    charts.push(chart);
  }

  const monthAxis = { type: "category", data: data.months };
  draw("chart-sources", {
    tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, xAxis: monthAxis, yAxis: { type: "value" },
    series: data.sources.map((s) => ({ name: s.name, type: "bar", stack: "sources", data: s.data, barMaxWidth: 28 })),
  });
  draw("chart-tiers", {
    tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, xAxis: monthAxis, yAxis: { type: "value" },
    series: data.tiers.map((s) => ({ name: s.name, type: "line", smooth: true, data: s.data })),
  });
  draw("chart-categories", {
    tooltip: { trigger: "axis" },
    grid: { left: 10, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.categories.map((c) => c.name), axisLabel: { fontSize: 11 } },
    series: [{ type: "bar", data: data.categories.map((c) => c.value), label: { show: true, position: "right" }, itemStyle: { color: "#206bc4" } }],
  }, data.categories.length === 0);
  draw("chart-departments", {
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    xAxis: { type: "value" }, yAxis: { type: "category", data: data.departments.names, inverse: true },
    series: [
      { name: english ? "Overdue" : "超期", type: "bar", data: data.departments.overdue, itemStyle: { color: "#d63939" } },
      { name: english ? "Supervised" : "督办", type: "bar", data: data.departments.supervised, itemStyle: { color: "#f76707" } },
    ],
  }, data.departments.names.length === 0);
  draw("chart-satisfaction", {
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
    xAxis: monthAxis, yAxis: { type: "value", min: (v) => Math.max(0, Math.floor(v.min - 5)), max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "line", data: data.satisfaction, smooth: true, areaStyle: { opacity: 0.15 }, connectNulls: true, label: { show: true, formatter: "{c}%" } }],
  });
  draw("chart-coverage", {
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
    grid: { left: 40, right: 16, top: 20, bottom: 60, containLabel: true },
    xAxis: { type: "category", data: data.coverage.names, axisLabel: { rotate: 45, fontSize: 10 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "bar", data: data.coverage.rates, itemStyle: { color: (p) => (p.value < 80 ? "#f76707" : "#2fb344") } }],
  }, data.coverage.names.length === 0);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
