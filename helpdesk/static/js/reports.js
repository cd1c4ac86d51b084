/* Draws each report's chart from its canvas's data-chart attribute (the page has no inline
   script: the CSP forbids it), in the page's language and direction; the numbers are also in
   the table beside each chart. The board's print button prints the page. */
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997",
                 "#ffc107", "#6c757d", "#0dcaf0", "#dc3545", "#6610f2", "#adb5bd"];

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  // Arabic pages write numbers in Arabic-Indic digits, as the tables beside the charts do.
  function locale() {
    var lang = document.documentElement.getAttribute("lang") || "ar";
    return /^ar\b/.test(lang) ? "ar-SA-u-nu-arab" : lang;
  }

  function draw(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var root = document.documentElement;
    var rtl = root.getAttribute("dir") === "rtl";
    var stacked = spec.type === "stacked";
    var type = stacked ? "bar" : spec.type;
    var single = spec.datasets.length === 1;
    var datasets = spec.datasets.map(function (dataset, index) {
      var colours = single && type === "bar"
        ? spec.labels.map(function (_label, i) { return colour(i); }) : colour(index);
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colours,
        borderColor: colours,
        spanGaps: true,
        tension: 0.2
      };
    });
    var font = { family: getComputedStyle(document.body).fontFamily };
    var scales = {
      x: { stacked: stacked, reverse: rtl, ticks: { font: font, autoSkip: true, maxRotation: 60 } },
      y: { stacked: stacked, beginAtZero: true, position: rtl ? "right" : "left",
           ticks: { font: font, precision: 0 } }
    };
    return new window.Chart(canvas, {
      type: type,
      data: { labels: spec.chart_labels || spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale(),
        scales: scales,
        plugins: {
          legend: { display: !single, rtl: rtl, labels: { font: font } },
          tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
        }
      }
    });
  }

  function start() {
    if (window.Chart) {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
        canvas.chart = draw(canvas);
      });
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // Charts fit the printed page's width, then the screen's again.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.chart) { canvas.chart.resize(); }
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
