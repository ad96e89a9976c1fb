/* journeyaudit report: filter and search the problems. Allowed by the CSP through its hash;
   reads page text only as text (dataset, textContent), never writes HTML. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rank = { low: 0, medium: 1, high: 2, critical: 3 };
  var findings = [].slice.call(document.querySelectorAll(".finding[data-code]"));
  var steps = [].slice.call(document.querySelectorAll("li.step[data-step]"));
  var journeys = [].slice.call(document.querySelectorAll("section.journey[data-journey]"));
  var count = document.getElementById("f-count");
  function field(name) { return (form.elements[name].value || "").trim(); }
  function has(text, needle) { return text.toLowerCase().indexOf(needle.toLowerCase()) >= 0; }
  function apply() {
    var severity = field("severity"), rule = field("rule"), journey = field("journey");
    var step = field("step"), text = field("q"), showSuppressed = form.elements.suppressed.checked;
    var narrowing = Boolean(severity || rule || step || text || !showSuppressed);
    var shown = 0;
    findings.forEach(function (el) {
      var d = el.dataset;
      var ok = (!severity || rank[d.severity] >= rank[severity]) &&
        (!rule || d.code === rule) &&
        (!journey || d.journey === journey) &&
        (!step || has(d.step || "", step)) &&
        (!text || has(el.textContent, text)) &&
        (showSuppressed || d.suppressed !== "true");
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    steps.forEach(function (el) {
      var visible = el.querySelector(".finding[data-code]:not([hidden])");
      el.hidden = Boolean(step && !has(el.dataset.step, step)) || Boolean(narrowing && !visible);
    });
    journeys.forEach(function (el) {
      var visible = el.querySelector(".finding[data-code]:not([hidden])");
      el.hidden = Boolean(journey && el.dataset.journey !== journey) || Boolean(narrowing && !visible);
    });
    var total = findings.length + (findings.length === 1 ? " problem" : " problems");
    count.textContent = (narrowing || journey) ? "Showing " + shown + " of " + total : total;
  }
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
}());
/* Sortable tables (table.sortable: click a header's button) and table filters (form.table-filter,
   its data-table naming the table; fields match the rows' data-* attributes, q searches the text). */
(function () {
  "use strict";
  var rank = { low: 0, medium: 1, high: 2, critical: 3 };
  function key(cell) {
    var text = cell ? (cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent) : "";
    var number = parseFloat(text.replace(/[^0-9.\-]/g, ""));
    return { text: text.trim().toLowerCase(), number: /\d/.test(text) ? number : NaN };
  }
  function compare(a, b) {
    if (!isNaN(a.number) && !isNaN(b.number) && a.number !== b.number) { return a.number - b.number; }
    return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
  }
  [].slice.call(document.querySelectorAll("table.sortable")).forEach(function (table) {
    var heads = [].slice.call(table.tHead ? table.tHead.rows[0].cells : []);
    heads.forEach(function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") === "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = [].slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = compare(key(a.cells[column]), key(b.cells[column]));
          return down ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  [].slice.call(document.querySelectorAll("form.table-filter[data-table]")).forEach(function (form) {
    var table = document.getElementById(form.dataset.table);
    if (!table) { return; }
    var rows = [].slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".table-count");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        [].slice.call(form.elements).forEach(function (field) {
          if (!field.name) { return; }
          var want = field.type === "checkbox" ? (field.checked ? "true" : "") : (field.value || "").trim();
          if (!want) { return; }
          if (field.name === "q") {
            ok = ok && row.textContent.toLowerCase().indexOf(want.toLowerCase()) >= 0;
          } else if (field.name === "severity") {
            ok = ok && rank[row.dataset.severity] >= rank[want];
          } else {
            ok = ok && row.dataset[field.name] === want;
          }
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = "Showing " + shown + " of " + rows.length; }
    }
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  });
}());
