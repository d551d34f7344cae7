// Sorting (the vendored tablesort library) and filtering for the knowledge base's matrices.
// Rows carry their facets as data attributes (data-jurisdiction, data-type, data-force,
// data-status, data-answers, data-states); each filter form names its table in data-table.
(function () {
  // Big matrices hold their first rows in the page and the rest in a JSON file of rendered rows
  // beside it (made and escaped by the generator): append them, then sort and filter them all.
  function loadRows(done) {
    var tables = document.querySelectorAll("table[data-kb-rows]:not([data-kb-loaded])");
    var pending = tables.length;
    if (!pending) return done();
    tables.forEach(function (table) {
      table.setAttribute("data-kb-loaded", "1");
      fetch(new URL(table.dataset.kbRows, window.location.href)).then(function (r) { return r.json(); })
        .then(function (rows) { table.tBodies[0].insertAdjacentHTML("beforeend", rows.join("")); })
        .catch(function () { /* the first rows stay; the downloads hold all of them */ })
        .then(function () { if (--pending === 0) done(); });
    });
  }

  function setUp() {
    loadRows(wire);
    printMargins();
  }

  // Printed sheets name the dataset edition and the page's permalink in their margin (CSS margin
  // boxes; the edition is the one the footer shows), and the page number.
  function printMargins() {
    var style = document.getElementById("kb-print-margins");
    if (!style) {
      style = document.createElement("style");
      style.id = "kb-print-margins";
      document.head.appendChild(style);
    }
    var footer = document.querySelector(".md-copyright__highlight");
    var edition = footer && /edition\s+(\S+)/i.exec(footer.textContent);
    var url = window.location.href.split("#")[0];
    var quote = function (text) { return '"' + text.replace(/[\\"]/g, "\\$&").replace(/[\n\r]/g, " ") + '"'; };
    var left = document.title.split(" - ")[0] + (edition ? " · Privacy Law Compared, dataset edition " + edition[1] : "");
    style.textContent = "@media print { @page { @bottom-left { content: " + quote(left + " · " + url) +
      "; font-size: 7pt; font-family: sans-serif; } @bottom-right { content: \"p. \" counter(page) \" of \" counter(pages); font-size: 7pt; font-family: sans-serif; } } }";
  }

  window.kbPrintMargins = printMargins;  // the compare page calls it when its address changes

  // Browsers that print closed <details> closed (no ::details-content): open them for the print.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  function wire() {
    document.querySelectorAll("table[data-kb-sortable]").forEach(function (table) {
      if (table.dataset.kbReady || !window.Tablesort) return;
      table.dataset.kbReady = "1";
      // Once sorted by another column, the jurisdiction group lines no longer mean anything.
      table.addEventListener("afterSort", function () {
        table.querySelectorAll("tr.kb-group-start").forEach(function (row) { row.classList.remove("kb-group-start"); });
      });
      new window.Tablesort(table);
    });
    document.querySelectorAll("form.kb-filters").forEach(function (form) {
      if (form.dataset.kbReady) return;
      var table = document.getElementById(form.dataset.table);
      if (!table) return;
      form.dataset.kbReady = "1";
      form.hidden = false;
      var apply = function () {
        var wanted = {};
        form.querySelectorAll("select").forEach(function (select) {
          if (select.value) wanted[select.name] = select.value;
        });
        var rows = table.tBodies[0].rows, shown = 0;
        for (var i = 0; i < rows.length; i++) {
          var row = rows[i], keep = true;
          for (var name in wanted) {
            var value = row.dataset[name] || "";
            var ok = (name === "answers" || name === "states")
              ? value.split(" ").indexOf(wanted[name]) !== -1
              : value === wanted[name];
            if (!ok) { keep = false; break; }
          }
          row.hidden = !keep;
          if (keep) shown++;
        }
        var count = form.querySelector(".kb-filter-count");
        if (count) count.textContent = shown + " of " + rows.length + " rows shown";
      };
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      apply();
    });
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
