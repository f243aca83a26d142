/* zfxxgk reader pages: draw the page's chart with the bundled Chart.js, sort tables by a
   click on their headings. Everything is served by the archive's own server. */
(function () {
  "use strict";

  function drawChart() {
    var data = document.getElementById("zfxxgk-chart-data");
    var canvas = document.getElementById("zfxxgk-chart");
    if (!data || !canvas || typeof Chart === "undefined") return;
    var spec = JSON.parse(data.textContent);
    var chart = new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{ label: spec.label, data: spec.values, spanGaps: false,
                     backgroundColor: "rgba(178, 34, 34, 0.6)", borderColor: "rgb(178, 34, 34)" }]
      },
      options: { animation: false, responsive: false, scales: { y: { beginAtZero: true } } }
    });
    // Say what was drawn, so a reader's tools (and the tests) can tell a drawn chart
    // from an empty canvas: the points plotted and the canvas pixels painted.
    var pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    var painted = 0;
    for (var i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    canvas.setAttribute("data-points", String(chart.data.datasets[0].data.filter(function (v) { return v !== null; }).length));
    canvas.setAttribute("data-painted", String(painted));
  }

  function sortable(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      th.style.cursor = "pointer";
      th.title = "点击排序 · click to sort";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var descending = th.getAttribute("data-sorted") !== "desc";
        heads.forEach(function (h) { h.removeAttribute("data-sorted"); });
        th.setAttribute("data-sorted", descending ? "desc" : "asc");
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-sort") || a.cells[index].textContent;
          var y = b.cells[index].getAttribute("data-sort") || b.cells[index].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    document.querySelectorAll("table.zfxxgk-sortable").forEach(sortable);
  });
})();
