/* Gantt: highlight a row in the names column and the chart together. */
(function () {
  "use strict";
  var ROW = 28;
  var current = null;

  function mark(scroll, row) {
    var band = scroll.querySelector(".hover-row");
    if (current) { current.classList.remove("hover"); current = null; }
    if (row === null) { if (band) band.setAttribute("y", -ROW); return; }
    current = scroll.querySelector('.gantt-name[data-row="' + row + '"]');
    if (current) current.classList.add("hover");
    if (band) band.setAttribute("y", row * ROW);
  }

  document.addEventListener("mouseover", function (event) {
    var scroll = event.target.closest && event.target.closest(".gantt-scroll");
    if (!scroll) return;
    var hit = event.target.closest("[data-row]");
    if (hit) { mark(scroll, hit.getAttribute("data-row")); return; }
    var chart = event.target.closest(".gantt-chart");
    if (chart) {
      var box = chart.getBoundingClientRect();
      mark(scroll, Math.floor((event.clientY - box.top) / ROW));
    }
  });
  document.addEventListener("click", function (event) {
    // A click anywhere on a row of the chart opens that row's item.
    var chart = event.target.closest && event.target.closest(".gantt-chart");
    if (!chart || event.target.closest("a")) return;
    var box = chart.getBoundingClientRect();
    var row = Math.floor((event.clientY - box.top) / ROW);
    var scroll = chart.closest(".gantt-scroll");
    var link = scroll && scroll.querySelector('.gantt-name[data-row="' + row + '"]');
    if (link) window.location.href = link.href;
  });
})();
