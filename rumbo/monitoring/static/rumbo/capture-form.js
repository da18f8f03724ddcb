/* Capture grid: nothing typed is lost.
 *
 * - Evidence is attached and removed without reloading the page: the file goes by fetch
 *   (with htmx's «HX-Request» header, so the server answers with the row's evidence only)
 *   and the row's evidence list and message are swapped in place; what is typed in every
 *   other row stays on the page. Without this file the same forms post and reload.
 * - Rows whose figures differ from what was loaded (or that the server sent back unsaved)
 *   are marked, counted in «Tienes cambios sin guardar en N filas», and leaving the page
 *   with any of them asks first (beforeunload). Saving (the grid's own form) does not ask.
 * - The comment and justification boxes grow with their text where CSS cannot
 *   (field-sizing) do it.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-capture-form]");
  if (!form) return;
  var note = form.querySelector("[data-unsaved-note]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-capture-row]"));
  var leaving = false;

  // --- unsaved rows ------------------------------------------------------------------------

  function fields(row) {
    return row.querySelectorAll("input[type=text], textarea");
  }

  function changed(row) {
    if (row.hasAttribute("data-unsaved")) return true;
    return Array.prototype.some.call(fields(row), function (f) { return f.value !== f.defaultValue; });
  }

  function unsaved() {
    return rows.filter(function (row) {
      var dirty = changed(row);
      row.classList.toggle("is-dirty", dirty);
      return dirty;
    });
  }

  function refresh() {
    var count = unsaved().length;
    if (!note) return;
    note.hidden = count === 0;
    note.textContent = count === 0 ? "" :
      "Tienes cambios sin guardar en " + count + (count === 1 ? " fila." : " filas.");
  }

  form.addEventListener("input", refresh);
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; refresh(); });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || unsaved().length === 0) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when a value is set
  });
  refresh();

  // --- evidence without reloading ----------------------------------------------------------

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function rowOf(key) {
    return document.getElementById("fila-" + key);
  }

  function show(region, level, text) {
    var p = document.createElement("p");
    p.className = "row-message row-message-" + level;
    p.textContent = text;
    region.replaceChildren(p);
  }

  function swap(row, html) {
    var reply = document.createElement("template");
    reply.innerHTML = html;
    var body = reply.content.querySelector("[data-evidence-body]");
    var said = reply.content.querySelector("[data-evidence-messages]");
    if (!body || !said) return false;
    row.querySelector("[data-evidence-body]").replaceChildren.apply(
      row.querySelector("[data-evidence-body]"), Array.prototype.slice.call(body.childNodes));
    row.querySelector("[data-evidence-messages]").replaceChildren.apply(
      row.querySelector("[data-evidence-messages]"), Array.prototype.slice.call(said.childNodes));
    return true;
  }

  function send(key, url, data, button, busy) {
    var row = rowOf(key);
    if (!row) return;
    var region = row.querySelector("[data-evidence-messages]");
    if (button) button.disabled = true;
    show(region, "info", key + ": " + busy);
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": token() },
    }).then(function (response) {
      return response.text().then(function (html) {
        if (swap(row, html)) {
          // The pressed button was replaced: keep the focus in the row, on its file input.
          var again = row.querySelector("[data-evidence-body] input[type=file]");
          if (again) again.focus({ preventScroll: true });
        } else {
          show(region, "error", key + ": no se pudo completar (respuesta " + response.status +
            "). Lo que escribiste sigue en la página: guárdalo y vuelve a intentarlo.");
        }
      });
    }).catch(function () {
      show(region, "error", key + ": no hubo conexión con el servidor. Lo que escribiste " +
        "sigue en la página; vuelve a intentarlo.");
    }).finally(function () {
      if (button && button.isConnected) button.disabled = false;
    });
  }

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (!target.matches("[data-evidence-form]")) return;
    event.preventDefault();
    var key = target.getAttribute("data-key");
    var file = document.getElementById("archivo-" + key);
    var name = file && file.files.length ? file.files[0].name : "el archivo";
    send(key, target.action, new FormData(target), event.submitter, "adjuntando " + name + "…");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-evidence-remove]");
    if (!button) return;
    event.preventDefault();
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token());
    data.append("quitar", button.value);
    send(button.getAttribute("data-key"), button.getAttribute("data-evidence-remove"), data,
      button, "quitando la evidencia…");
  });

  // --- boxes that grow with their text -----------------------------------------------------

  if (!(window.CSS && CSS.supports && CSS.supports("field-sizing", "content"))) {
    var grow = function (box) {
      box.style.height = "auto";
      box.style.height = box.scrollHeight + 2 + "px";
    };
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-grow]"), grow);
    form.addEventListener("input", function (event) {
      if (event.target.matches("textarea[data-grow]")) grow(event.target);
    });
  }
})();
