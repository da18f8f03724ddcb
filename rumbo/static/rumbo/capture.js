/* Capture grid: a live semáforo preview, keyboard moves between rows, pasting a column.
 *
 * Progressive enhancement only: the form works without this file. The semáforo drawn
 * here is a PREVIEW computed from the row's data attributes (cumulative programmed,
 * cumulative achieved before this month, band edges), all sent by the server. The
 * server grades again when saving — its grade is the authoritative one, shown after
 * saving — and it re-validates the justification rule.
 */
(function () {
  "use strict";
  var grid = document.querySelector("[data-capture-grid]");
  if (!grid) return;
  var inputs = Array.prototype.slice.call(grid.querySelectorAll("[data-achieved-input]"));

  // es-MX and plain numbers: 1,234.5 · 1234.5 · 12 (spaces ignored). NaN when not a number.
  function parseNumber(text) {
    var t = String(text || "").replace(/[\s\u00a0]/g, "").replace(/,/g, "");
    if (!/^\d*\.?\d+$|^\d+\.$/.test(t)) return NaN;
    return parseFloat(t);
  }

  function num(row, name) {
    var v = row.getAttribute(name);
    return v === null || v === "" ? null : parseFloat(v);
  }

  var LABELS = { verde: "Verde", amarillo: "Amarillo", rojo: "Rojo", gris: "Gris" };

  function preview(input) {
    var row = input.closest("[data-capture-row]");
    var badge = row.querySelector("[data-light]");
    var just = row.querySelector("[data-justification]");
    var typed = parseNumber(input.value);
    var programmed = num(row, "data-programmed-cum");
    var light = "gris", text;
    if (input.value.trim() === "" || isNaN(typed)) {
      text = input.value.trim() === "" ? "Gris · sin dato" : "Gris · cantidad no válida";
    } else if (programmed === null || programmed <= 0) {
      text = "Gris · sin programación";
    } else {
      // Like the server: grade the exact ratio, show it rounded to 2 decimals.
      var exact = ((num(row, "data-achieved-before") || 0) + typed) / programmed * 100;
      var ratio = Math.round(exact * 100) / 100;
      if (exact >= num(row, "data-green-low") && exact <= num(row, "data-green-high")) light = "verde";
      else if (exact >= num(row, "data-yellow-low") && exact <= num(row, "data-yellow-high")) light = "amarillo";
      else light = "rojo";
      text = LABELS[light] + " · " + ratio.toLocaleString("es-MX", { maximumFractionDigits: 2 }) + " %";
    }
    badge.className = "light light-" + light + " preview";
    badge.textContent = text;
    badge.title = "Vista previa; el sistema calcula el semáforo al guardar.";
    if (just && (light === "amarillo" || light === "rojo")) just.hidden = false;
  }

  function move(index, step) {
    var next = inputs[index + step];
    if (next) { next.focus(); next.select(); }
  }

  inputs.forEach(function (input, index) {
    // A value typed before this script ran (slow network) gets its preview now.
    if (input.value !== input.defaultValue) preview(input);
    input.addEventListener("input", function () { preview(input); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") { event.preventDefault(); move(index, 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(index, -1); }
    });
    input.addEventListener("paste", function (event) {
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!/[\t\r\n]/.test(text.trim())) return; // a single value: the browser pastes it
      event.preventDefault();
      var values = text.replace(/\r/g, "").split(/[\t\n]+/).map(function (v) { return v.trim(); });
      while (values.length && values[values.length - 1] === "") values.pop();
      values.forEach(function (value, offset) {
        var target = inputs[index + offset];
        if (!target) return;
        target.value = value;
        preview(target);
      });
    });
  });
})();
