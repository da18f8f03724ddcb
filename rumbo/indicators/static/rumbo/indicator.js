// Indicator ficha chart (progressive enhancement) and the print button of the printable MIR.
// The chart draws the JSON block the server built from the same lines as the table.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var source = document.getElementById("indicador-datos");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var canvas = document.getElementById("grafica-indicador");
  if (!canvas) return;
  var number = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 4 });
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  canvas.closest(".chart").classList.add("chart-ready");
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Meta", data: data.targets, borderColor: "#9fb8c8", backgroundColor: "#9fb8c8", borderDash: [6, 4], spanGaps: true },
        { label: "Resultado", data: data.values, borderColor: "#0b4f6c", backgroundColor: "#0b4f6c", spanGaps: false },
      ],
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + number.format(ctx.parsed.y) + " (" + data.unit + ")"; } } },
      },
      scales: { y: { beginAtZero: true } },
    },
  });
})();
