// Live sum of the calendar editor: «Suma de los meses: X · Cantidad anual: Y» and the
// warning while they differ. Display only: the server recomputes on «Calcular» and
// «Guardar». Event delegation keeps it working after htmx swaps the form.
(function () {
  "use strict";
  var NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?$/;
  var SCALE = 10000; // four decimal places, as the database stores them
  var format = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 4 });

  // es-MX text → integer number of ten-thousandths (exact), or null when blank/invalid.
  function parse(text) {
    var value = (text || "").trim();
    if (!NUMBER.test(value)) return null;
    var parts = value.replace(/,/g, "").split(".");
    var decimals = ((parts[1] || "") + "0000").slice(0, 4);
    return Number(parts[0]) * SCALE + Number(decimals);
  }

  function show(units) {
    return format.format(units / SCALE);
  }

  function update(form) {
    var box = form.querySelector("[data-calendar-sum]");
    if (!box) return;
    var total = 0;
    var missing = 0;
    form.querySelectorAll("[data-calendar-month]").forEach(function (input) {
      var units = parse(input.value);
      if (units === null) missing += 1;
      else total += units;
    });
    var annualInput = form.querySelector("[data-calendar-annual]");
    var annual = annualInput ? parse(annualInput.value) : null;
    box.querySelector("[data-sum-total]").textContent = show(total);
    box.querySelector("[data-sum-annual]").textContent = annual === null ? "sin dato" : show(annual);
    box.querySelector("[data-sum-missing]").textContent = missing
      ? " · " + missing + (missing === 1 ? " mes" : " meses") + " sin dato"
      : "";
    var warning = box.querySelector("[data-sum-warning]");
    var mismatch = annual !== null && total !== annual;
    warning.hidden = !mismatch;
    box.querySelector("[data-sum-warning-text]").textContent = mismatch
      ? "Los meses suman " + show(total) + "; la cantidad anual es " + show(annual)
      : "";
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-calendar-month], [data-calendar-annual]")) {
      update(target.form);
    }
  });
})();
