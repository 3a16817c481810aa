/* The portal's enhancements; every page works without them.
   1. Name suggestions: an <input list> whose <datalist> fills from /api/v1/search/suggest
      (the browser's own, accessible, suggestion list).
   2. Charts: ECharts draws each [data-chart] from the page's embedded JSON; the table
      beside each chart holds the same figures.
   3. On a phone, the search's facets start folded, so that the results come first. */
(function () {
  "use strict";

  function suggestions(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q || q === asked) return;
      timer = setTimeout(function () {
        asked = q;
        fetch(url + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (body) {
            if (input.value.trim() !== q) return;
            list.replaceChildren.apply(list, body.suggestions.map(function (name) {
              var option = document.createElement("option");
              option.value = name;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience: the search still works */ });
      }, 200);
    });
  }

  var PALETTE = ["#0a4a94", "#a31c26", "#1d6b35", "#8a4b00", "#5b3a8c", "#00677f"];

  function bar(categories, series, horizontal) {
    var category = { type: "category", data: categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value" };
    return {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: "axis" },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
  }

  var CHARTS = {
    by_kind: function (data) {
      return bar(data.map(function (d) { return d.label; }),
                 [{ type: "bar", name: "", data: data.map(function (d) { return d.count; }) }]);
    },
    by_province: function (data) {
      var rows = data.slice().reverse();
      return bar(rows.map(function (d) { return d.name || d.division_code; }),
                 [{ type: "bar", data: rows.map(function (d) { return d.count; }) }], true);
    },
    by_subdivision: function (data, names) {
      // one stacked bar a subdivision, a segment a kind (the table lists the same figures)
      var rows = data.slice().reverse();
      // names: [[kind, label], …] in the table's order (an object's keys would be sorted)
      var series = names.map(function (pair) {
        return { type: "bar", stack: "kinds", name: pair[1],
                 data: rows.map(function (d) { return d[pair[0]]; }) };
      });
      return bar(rows.map(function (d) { return d.name || d.division_code; }), series, true);
    },
    participation: function (data, names) {
      var option = bar(data.map(function (d) { return String(d.year); }), [
        { type: "line", name: names.rate, data: data.map(function (d) { return d.rate; }) },
        { type: "line", name: names.on_time_rate, data: data.map(function (d) { return d.on_time_rate; }) }
      ]);
      option.yAxis.max = 100;
      option.yAxis.axisLabel = { formatter: "{value}%" };
      return option;
    },
    trusts_by_year: function (data, names) {
      var option = bar(data.map(function (d) { return String(d.year); }), [
        { type: "bar", name: names.count, data: data.map(function (d) { return d.count; }) },
        { type: "line", name: names.property_amount, yAxisIndex: 1,
          data: data.map(function (d) { return d.property_amount; }) }
      ]);
      option.yAxis = [{ type: "value" }, { type: "value", splitLine: { show: false } }];
      return option;
    }
  };

  function charts() {
    var source = document.getElementById("statistics-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var name = element.getAttribute("data-chart");
      var names = JSON.parse(element.getAttribute("data-series") || "{}");
      if (!CHARTS[name] || !data[name] || !data[name].length) return;
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(CHARTS[name](data[name], names));
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }

  function foldOnPhones() {
    if (!window.matchMedia("(max-width: 799px)").matches) return;
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (details) {
      details.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest][list]").forEach(suggestions);
    foldOnPhones();
    charts();
  });
})();
