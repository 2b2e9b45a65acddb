// 区域地图: each [data-district-map] element drawn from the JSON script it names — the regions'
// own outlines through ECharts' map component (no tiles, nothing fetched), coloured by a figure
// per region; a region with a list behind it opens that list when clicked.
(function () {
  "use strict";
  if (!window.echarts) return;
  const english = document.documentElement.lang.startsWith("en");
  const words = english
    ? { none: "No region outlines yet: an administrator imports them under Regions.", high: "More", low: "Fewer" }
    : { none: "尚未导入区域边界：管理员可在“区域”中导入 GeoJSON 边界文件。", high: "多", low: "少" };

  // The tooltip is HTML: names are the district's to edit, so they are escaped, never markup.
  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  document.querySelectorAll("[data-district-map]").forEach((el, n) => {
    const source = document.getElementById(el.dataset.districtMap);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    if (!spec.geo.features.length) {
      el.classList.add("text-secondary", "small", "d-flex", "align-items-center", "justify-content-center");
      el.textContent = words.none;
      return;
    }
    const name = "sfw-district-" + n;
    echarts.registerMap(name, spec.geo);
    const values = spec.data.map((d) => d.value).filter((v) => v !== null && v !== undefined);
    const unit = el.dataset.unit || "";
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: "inherit" },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const d = p.data || {};
          const value = d.value === null || d.value === undefined ? "—" : d.value + unit;
          const extra = d.issues !== undefined ? `<br>${d.issues} / ${d.enterprises}` : "";
          return `${escape(d.label || p.name)}：${escape(value)}${extra}`;
        },
      },
      visualMap: {
        min: 0, max: Math.max(1, ...values), left: 8, bottom: 8, calculable: true, itemHeight: 90,
        text: [words.high, words.low], inRange: { color: ["#eef4fc", "#4a90d9", "#d63939"] },
      },
      series: [{
        type: "map", map: name, nameProperty: "key", roam: true, aspectScale: 0.87,
        label: { show: el.dataset.labels === "on", formatter: (p) => (p.data ? p.data.label : ""), fontSize: 11, color: "#1d273b", textBorderColor: "#fff", textBorderWidth: 2 },
        emphasis: { label: { show: true, formatter: (p) => (p.data ? p.data.label : "") } },
        itemStyle: { borderColor: "#5c6b7a", borderWidth: 0.6 },
        data: spec.data,
      }],
    });
    chart.on("click", (p) => {
      if (p.data && p.data.url) window.location.assign(p.data.url);
    });
    if (spec.data.some((d) => d.url)) el.style.cursor = "pointer";
    window.addEventListener("resize", () => chart.resize());
  });
})();
