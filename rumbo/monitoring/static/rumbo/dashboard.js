// Dashboard charts (progressive enhancement): draw what the JSON block holds, which the
// server built from the same figures as the tables. Without JavaScript the tables remain.
(function () {
  "use strict";
  var source = document.getElementById("tablero-datos");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var COLORS = { verde: "#1d6b35", amarillo: "#e6a700", rojo: "#a4262c", gris: "#8a94a0" };
  var number = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 4 });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = window.matchMedia("(prefers-reduced-motion: reduce)").matches
    ? false
    : Chart.defaults.animation;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.closest(".chart").classList.add("chart-ready");
    new Chart(canvas, config);
  }

  draw("grafica-semaforo", {
    type: "doughnut",
    data: {
      labels: data.lights.labels.map(function (label, i) {
        return label + " (" + number.format(data.lights.counts[i]) + ")";
      }),
      datasets: [{
        label: "Actividades",
        data: data.lights.counts,
        backgroundColor: data.lights.keys.map(function (key) { return COLORS[key]; }),
        borderColor: "#ffffff",
      }],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } },
  });

  var pf = data.physical_financial;
  if (pf && pf.labels.length) {
    draw("grafica-fisico-financiero", {
      type: "bar",
      data: {
        labels: pf.labels,
        datasets: [
          { label: "Avance físico", data: pf.physical, backgroundColor: "#0b4f6c" },
          { label: "Avance financiero (vs. calendario)", data: pf.financial, backgroundColor: "#9fb8c8" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + number.format(ctx.parsed.y) + " %"; } } } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + " %"; } } } },
      },
    });
  }

  draw("grafica-acumulada", {
    type: "line",
    data: {
      labels: data.months,
      datasets: [
        {
          label: "Programado a la fecha (% del año)", data: data.expected_share, borderColor: "#9fb8c8",
          backgroundColor: "#9fb8c8",
        },
        { label: "Alcanzado a la fecha (% del año)", data: data.achieved_share, borderColor: "#0b4f6c", backgroundColor: "#0b4f6c" },
        {
          label: "Proyección por calendario", data: data.projected_share, borderColor: "#55606e",
          backgroundColor: "#55606e", borderDash: [6, 4], pointStyle: "rectRot",
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + number.format(ctx.parsed.y) + " %"; } } } },
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return v + " %"; } } } },
    },
  });
})();
