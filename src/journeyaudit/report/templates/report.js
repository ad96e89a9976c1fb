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
