// The Plan tab's keyboard and drag-and-drop; the server does every change (HTMX).
(function () {
  "use strict";
  var focusKey = null;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#plan-rows tr.plan-row")); }
  function rowOf(el) { return el && el.closest ? el.closest("tr.plan-row") : null; }
  function table() { return document.querySelector("table.plan"); }
  function editable() { var t = table(); return t && t.dataset.editable === "true"; }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  function post(url, values, key) {
    focusKey = key;
    return htmx.ajax("POST", url, {
      target: "#plan-rows", swap: "innerHTML", values: values || {},
      headers: { "X-CSRFToken": csrf() }
    });
  }
  function focusRow(key) {
    var row = document.querySelector('#plan-rows tr[data-key="' + key + '"]');
    if (row) {
      var input = row.querySelector("input[name=title]");
      (input || row).focus();
    }
  }

  document.addEventListener("keydown", function (ev) {
    var row = rowOf(ev.target);
    if (!row || !document.getElementById("plan-rows").contains(row)) { return; }
    if (row.classList.contains("editing")) {
      if (ev.key === "Escape") {
        ev.preventDefault(); focusKey = row.dataset.key;
        row.querySelector("[data-action=cancel]").click();
      } else if (ev.key === "Enter" && ev.target.tagName === "INPUT") {
        ev.preventDefault(); focusKey = row.dataset.key;
        row.querySelector("[data-action=save]").click();
      }
      return;
    }
    if (ev.target !== row) { return; }  // buttons and links inside keep their own keys
    var list = rows(), i = list.indexOf(row);
    if (ev.key === "ArrowDown" && i < list.length - 1) { ev.preventDefault(); list[i + 1].focus(); }
    else if (ev.key === "ArrowUp" && i > 0) { ev.preventDefault(); list[i - 1].focus(); }
    else if (ev.key === "Enter") {
      ev.preventDefault();
      var edit = row.querySelector("[data-action=edit]");
      if (edit) { focusKey = row.dataset.key; edit.click(); } else { window.location = row.dataset.href; }
    } else if (ev.key === "Tab" && editable() && row.dataset.indentUrl) {
      ev.preventDefault();
      post(ev.shiftKey ? row.dataset.outdentUrl : row.dataset.indentUrl, {}, row.dataset.key);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (focusKey) { var key = focusKey; focusKey = null; focusRow(key); }
  });

  // Drag a row onto another: it goes just before that row, at that row's level.
  var dragged = null;
  document.addEventListener("dragstart", function (ev) {
    var row = rowOf(ev.target);
    if (!row || !editable()) { return; }
    dragged = row;
    row.classList.add("dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", row.dataset.key);
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    rows().forEach(function (r) { r.classList.remove("drop-before"); });
    dragged = null;
  });
  document.addEventListener("dragover", function (ev) {
    var row = rowOf(ev.target);
    if (!dragged || !row || row === dragged) { return; }
    ev.preventDefault();
    rows().forEach(function (r) { r.classList.toggle("drop-before", r === row); });
  });
  document.addEventListener("drop", function (ev) {
    var row = rowOf(ev.target);
    if (!dragged || !row || row === dragged) { return; }
    ev.preventDefault();
    post(dragged.dataset.moveUrl, { before: row.dataset.key, version: dragged.dataset.version },
         dragged.dataset.key);
  });
})();
