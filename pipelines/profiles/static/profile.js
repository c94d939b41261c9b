// Draws every chart of the page from the Vega-Lite spec stored beside it, and runs the organisation search.
// Everything it needs is in this folder: no request leaves the page.
(function () {
  "use strict";

  function drawCharts() {
    var charts = document.querySelectorAll("[data-spec]");
    Array.prototype.forEach.call(charts, function (element) {
      var source = document.getElementById(element.getAttribute("data-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(element, spec, { renderer: "svg", actions: false })
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function (error) {
          element.setAttribute("data-rendered", "failed");
          element.textContent = "This chart could not be drawn; the table below holds its data.";
          console.error(error);
        });
    });
  }

  function normalise(text) { return text.toLowerCase().replace(/\s+/g, " ").trim(); }

  function setUpSearch() {
    var input = document.getElementById("search");
    var list = document.getElementById("org-list");
    var count = document.getElementById("search-count");
    if (!input || !list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    input.addEventListener("input", function () {
      var words = normalise(input.value).split(" ").filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var haystack = item.getAttribute("data-search");
        var match = words.every(function (word) { return haystack.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = shown + (shown === 1 ? " organisation" : " organisations");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var first = items.filter(function (item) { return !item.hidden; })[0];
      if (first) { window.location.href = first.querySelector("a").getAttribute("href"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSearch();
    if (window.vegaEmbed) { drawCharts(); }
  });
})();
