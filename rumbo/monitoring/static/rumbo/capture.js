/* Capture grid: a live semáforo preview, keyboard moves between rows, pasting a column.
 *
 * Progressive enhancement only: the form works without this file (capture-form.js keeps
 * what is typed: unsaved rows, evidence without reloading). The semáforo drawn
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

  // Exact decimals, as the server computes (rumbo.core.semaforo): a number is an integer
  // and a scale (12.5 → {n: 125n, s: 1}), so that 0.99 of 1.1 is exactly 90 %, never the
  // 89.999… % of binary floating point, and a percentage rounds half up like the server.
  function decimal(text) {
    var m = /^(\d*)(?:\.(\d*))?$/.exec(text);
    if (!m || (m[1] === "" && !m[2])) return null;
    var frac = m[2] || "";
    return { n: BigInt((m[1] || "0") + frac), s: frac.length };
  }

  function scaled(d, scale) { return d.n * BigInt(10) ** BigInt(scale - d.s); }

  function add(a, b) {
    var s = Math.max(a.s, b.s);
    return { n: scaled(a, s) + scaled(b, s), s: s };
  }

  // Compare achieved × 100 with edge × programmed: -1, 0 or 1.
  function comparePercent(achieved, programmed, edge) {
    var s = Math.max(achieved.s, programmed.s + edge.s);
    var left = scaled({ n: achieved.n * BigInt(100), s: achieved.s }, s);
    var right = scaled({ n: edge.n * programmed.n, s: programmed.s + edge.s }, s);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  // achieved ÷ programmed × 100, rounded half up to 2 decimals, written in es-MX.
  function percentText(achieved, programmed) {
    var s = Math.max(achieved.s, programmed.s);
    var a = scaled(achieved, s), p = scaled(programmed, s);
    var hundredths = (a * BigInt(20000) + p) / (BigInt(2) * p); // round half up
    var whole = (hundredths / BigInt(100)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = (hundredths % BigInt(100)).toString().padStart(2, "0").replace(/0+$/, "");
    return whole + (cents ? "." + cents : "");
  }

  // es-MX and plain numbers: 1,234.5 · 1234.5 · 12 (spaces ignored). null when not a number.
  function parseNumber(text) {
    var t = String(text || "").replace(/[\s\u00a0]/g, "").replace(/,/g, "");
    if (!/^\d*\.?\d+$|^\d+\.$/.test(t)) return null;
    return decimal(t);
  }

  function num(row, name) {
    var v = row.getAttribute(name);
    return v === null || v === "" ? null : decimal(v);
  }

  var LABELS = { verde: "Verde", amarillo: "Amarillo", rojo: "Rojo", gris: "Gris" };

  function preview(input) {
    var row = input.closest("[data-capture-row]");
    var badge = row.querySelector("[data-light]");
    var just = row.querySelector("[data-justification]");
    var typed = parseNumber(input.value);
    var programmed = num(row, "data-programmed-cum");
    var light = "gris", text;
    if (input.value.trim() === "" || typed === null) {
      text = input.value.trim() === "" ? "Gris · sin dato" : "Gris · cantidad no válida";
    } else if (programmed === null || programmed.n <= BigInt(0)) {
      text = "Gris · sin programación";
    } else {
      // Like the server: grade the exact ratio, show it rounded to 2 decimals.
      var achieved = add(num(row, "data-achieved-before") || { n: BigInt(0), s: 0 }, typed);
      var within = function (low, high) {
        return comparePercent(achieved, programmed, num(row, low)) >= 0 &&
          comparePercent(achieved, programmed, num(row, high)) <= 0;
      };
      if (within("data-green-low", "data-green-high")) light = "verde";
      else if (within("data-yellow-low", "data-yellow-high")) light = "amarillo";
      else light = "rojo";
      text = LABELS[light] + " · " + percentText(achieved, programmed) + " %";
    }
    badge.className = "light light-" + light + " preview";
    badge.textContent = text;
    badge.title = "Vista previa; el sistema calcula el semáforo al guardar.";
    if (!just) return;
    // Shown while the value needs it; hidden again only if the page loaded it hidden and
    // nothing is written in it (typing 340 passes through a red 3 and 34).
    var box = just.querySelector("textarea");
    if (light === "amarillo" || light === "rojo") just.hidden = false;
    else if (just.hasAttribute("data-optional") && box && box.value.trim() === "") just.hidden = true;
  }

  function move(index, step) {
    var next = inputs[index + step];
    if (next) { next.focus(); next.select(); }
  }

  // A column copied from a spreadsheet: one value a line (the first cell of each line), or
  // one line of tab-separated cells; it fills this row and the following ones. Each value
  // goes in as typed (es-MX 1,234.5): the server parses it when saving.
  function pastedValues(text) {
    var lines = String(text).replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    if (lines.length === 1) return lines[0].split("\t").map(function (v) { return v.trim(); });
    return lines.map(function (line) { return line.split("\t")[0].trim(); });
  }

  function say(input, text) {
    var region = input.closest("[data-capture-row]").querySelector("[data-row-messages]");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "row-message row-message-info";
    p.textContent = text;
    region.replaceChildren(p);
  }

  function pasteColumn(event, index) {
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/[\r\n]+$/, ""))) return; // one value: the browser pastes it
    event.preventDefault();
    var values = pastedValues(text);
    var filled = 0;
    values.forEach(function (value, offset) {
      var target = inputs[index + offset];
      if (!target) return;
      target.value = value;
      // As if typed: the preview and the count of unsaved rows (capture-form.js) follow.
      target.dispatchEvent(new Event("input", { bubbles: true }));
      filled += 1;
    });
    var last = inputs[index + filled - 1].closest("[data-capture-row]").getAttribute("data-key");
    var first = inputs[index].closest("[data-capture-row]").getAttribute("data-key");
    var rows = filled === 1 ? "en la fila " + first : "en las filas " + first + " a " + last;
    var note = "Se pegaron " + filled + " valor" + (filled === 1 ? "" : "es") + " " + rows + ".";
    if (filled < values.length) note += " " + (values.length - filled) + " no cupieron: no hay más filas.";
    say(inputs[index], note + " Falta guardar.");
  }

  inputs.forEach(function (input, index) {
    var just = input.closest("[data-capture-row]").querySelector("[data-justification]");
    if (just && just.hidden) just.setAttribute("data-optional", "");
    // A value typed before this script ran (slow network) gets its preview now.
    if (input.value !== input.defaultValue) preview(input);
    input.addEventListener("input", function () { preview(input); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") { event.preventDefault(); move(index, 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(index, -1); }
    });
    input.addEventListener("paste", function (event) { pasteColumn(event, index); });
  });
})();
