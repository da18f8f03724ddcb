// Open-data charts (progressive enhancement): draw what the JSON blocks hold, which the
// server built from the same figures as the tables. Without JavaScript the tables remain.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var Chart = window.Chart;
  var number = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 4 });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;
  var tooltip = {
    callbacks: {
      label: function (ctx) { return ctx.dataset.label + ": " + number.format(ctx.parsed.y); },
    },
  };

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.closest(".chart").classList.add("chart-ready");
    new Chart(canvas, config);
  }

  var progress = read("avance-datos");
  if (progress) {
    draw("grafica-avance", {
      data: {
        labels: progress.months,
        datasets: [
          { type: "bar", label: "Cumplimiento promedio (%)", data: progress.average_compliance, backgroundColor: "#9fb8c8", order: 2 },
          { type: "line", label: "En meta (%)", data: progress.on_track, borderColor: "#0b4f6c", backgroundColor: "#0b4f6c", spanGaps: false, order: 1 },
        ],
      },
      options: { maintainAspectRatio: false, plugins: { tooltip: tooltip }, scales: { y: { beginAtZero: true, suggestedMax: 100 } } },
    });
  }

  (read("indicadores-datos") || []).forEach(function (item) {
    draw(item.id, {
      data: {
        labels: item.labels,
        datasets: [
          { type: "bar", label: "Meta", data: item.targets, backgroundColor: "#9fb8c8", order: 2 },
          { type: "line", label: "Valor", data: item.values, borderColor: "#0b4f6c", backgroundColor: "#0b4f6c", spanGaps: false, order: 1 },
        ],
      },
      options: { maintainAspectRatio: false, plugins: { tooltip: tooltip }, scales: { y: { beginAtZero: true } } },
    });
  });
})();
