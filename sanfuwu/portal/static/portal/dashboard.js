// 数据驾驶舱: draws each chart from the figures the page carries; no request of its own. Every bar
// and point opens the list behind it, at the address the server gave for it (data.links).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const links = data.links || {};
  const palette = ["#206bc4", "#2fb344", "#f76707", "#d63939", "#ae3ec9", "#17a2b8", "#f59f00", "#4263eb"];
  const charts = [];
  const base = { color: palette, textStyle: { fontFamily: "inherit" }, grid: { left: 40, right: 16, top: 40, bottom: 30, containLabel: true } };

  const english = document.documentElement.lang.startsWith("en");
  const nothing = english ? "Nothing to show for this period" : "本期暂无数据";
  const ROW = 26; // pixels per bar of a horizontal chart, so that every name keeps its own line

  function draw(id, option, empty, target) {
    const el = document.getElementById(id);
    if (!el) return null;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    // An empty chart says so, rather than showing bare axes that look broken.
    const said = empty ? { title: { text: nothing, left: "center", top: "middle", textStyle: { color: "#868e96", fontSize: 14, fontWeight: "normal" } }, series: [], xAxis: { show: false }, yAxis: { show: false } } : {};
    chart.setOption(Object.assign({}, base, option, said));
    if (target && !empty) {
      chart.on("click", (p) => {
        const url = target(p);
        if (url) window.location.assign(url);
      });
      el.style.cursor = "pointer";
    }
    charts.push(chart);
    return chart;
  }

  // A horizontal bar chart as tall as its rows need.
  function sized(id, rows) {
    const el = document.getElementById(id);
    if (el) el.style.height = Math.max(240, rows * ROW + 60) + "px";
  }

  // Names as long as they are, on a line of their own; cut only beyond what a phone can show.
  const names = { width: 112, overflow: "truncate", fontSize: 12 };
  const pick = (list) => (p) => (list && list[p.seriesIndex] ? list[p.seriesIndex][p.dataIndex] : null);

  const monthAxis = { type: "category", data: data.months };
  draw("chart-sources", {
    tooltip: { trigger: "item" }, legend: { top: 0, type: "scroll" }, xAxis: monthAxis, yAxis: { type: "value" },
    series: data.sources.map((s) => ({ name: s.name, type: "bar", stack: "sources", data: s.data, barMaxWidth: 28 })),
  }, false, pick(links.sources));
  draw("chart-tiers", {
    tooltip: { trigger: "item" }, legend: { top: 0, type: "scroll" }, xAxis: monthAxis, yAxis: { type: "value" },
    series: data.tiers.map((s) => ({ name: s.name, type: "bar", stack: "tiers", data: s.data, barMaxWidth: 28 })),
  }, false, pick(links.tiers));

  sized("chart-categories", data.categories.length);
  draw("chart-categories", {
    tooltip: { trigger: "item" },
    grid: { left: 10, right: 44, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.categories.map((c) => c.name), axisLabel: names, axisTick: { show: false } },
    series: [{ type: "bar", data: data.categories.map((c) => c.value), barMaxWidth: 18, label: { show: true, position: "right" }, itemStyle: { color: "#206bc4" } }],
  }, data.categories.length === 0, (p) => (links.categories || [])[p.dataIndex]);

  const departments = data.departments;
  sized("chart-departments", departments.names.length);
  draw("chart-departments", {
    tooltip: { trigger: "item" }, legend: { top: 0 },
    grid: { left: 10, right: 36, top: 30, bottom: 10, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: departments.names, inverse: true, axisLabel: names, axisTick: { show: false } },
    series: [
      { name: english ? "Overdue" : "超期", type: "bar", data: departments.overdue, barMaxWidth: 10, itemStyle: { color: "#d63939" }, label: { show: true, position: "right", fontSize: 10, formatter: (p) => (p.value ? p.value : "") } },
      { name: english ? "Supervised" : "督办", type: "bar", data: departments.supervised, barMaxWidth: 10, itemStyle: { color: "#f76707" }, label: { show: true, position: "right", fontSize: 10, formatter: (p) => (p.value ? p.value : "") } },
    ],
  }, departments.names.length === 0, pick([links.overdue, links.supervised]));

  const counts = data.satisfaction_counts || [];
  draw("chart-satisfaction", {
    tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>${p.value == null ? "—" : p.value + "%"}${counts[p.dataIndex] ? ` (${counts[p.dataIndex][0]}/${counts[p.dataIndex][1]})` : ""}` },
    xAxis: monthAxis, yAxis: { type: "value", min: (v) => Math.max(0, Math.floor(v.min - 5)), max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "line", data: data.satisfaction, smooth: true, symbolSize: 10, areaStyle: { opacity: 0.15 }, connectNulls: true, label: { show: true, formatter: "{c}%" } }],
  }, false, (p) => (links.satisfaction || [])[p.dataIndex]);

  const coverage = data.coverage;
  sized("chart-coverage", coverage.names.length);
  draw("chart-coverage", {
    tooltip: { trigger: "item", formatter: (p) => `${p.name}<br>${p.value == null ? "—" : p.value + "%"} (${coverage.counts[p.dataIndex][0]}/${coverage.counts[p.dataIndex][1]})` },
    grid: { left: 10, right: 48, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: coverage.names, axisLabel: names, axisTick: { show: false } },
    series: [{ type: "bar", data: coverage.rates, barMaxWidth: 16, label: { show: true, position: "right", formatter: "{c}%", fontSize: 10 }, itemStyle: { color: (p) => (p.value < 80 ? "#f76707" : "#2fb344") } }],
  }, coverage.names.length === 0, (p) => (links.coverage || [])[p.dataIndex]);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
