/* Search, filters and sorting of the tools table. An enhancement only: without this
   script the whole table is shown and the "Parcourir" links lead to filtered pages.
   No request is made: everything is in the page. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("tools-table");
  if (!form || !table || !table.tBodies.length) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var status = document.getElementById("filter-status");
  var fields = {
    q: form.elements.namedItem("q"),
    niveau: form.elements.namedItem("niveau"),
    categorie: form.elements.namedItem("categorie"),
    usage: form.elements.namedItem("usage"),
    tri: form.elements.namedItem("tri")
  };

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var sorters = {
    nom: function (a, b) { return fold(a.dataset.name).localeCompare(fold(b.dataset.name)); },
    niveau: function (a, b) { return (a.dataset.rank - b.dataset.rank) || sorters.nom(a, b); },
    date: function (a, b) {
      var da = a.dataset.audited || "", db = b.dataset.audited || "";
      if (da === db) { return sorters.nom(a, b); }
      return da < db ? 1 : -1;
    },
    categorie: function (a, b) {
      return a.dataset.categoryLabel.localeCompare(b.dataset.categoryLabel) || sorters.nom(a, b);
    }
  };

  function apply() {
    var terms = fold(fields.q.value).split(/\s+/).filter(Boolean);
    var level = fields.niveau.value, category = fields.categorie.value, use = fields.usage.value;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!level || row.dataset.level === level) &&
        (!category || row.dataset.category === category) &&
        (!use || (" " + row.dataset.audiences + " ").indexOf(" " + use + " ") >= 0) &&
        terms.every(function (term) { return row.dataset.search.indexOf(term) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var sorter = sorters[fields.tri.value] || sorters.nom;
    rows.slice().sort(sorter).forEach(function (row) { tbody.appendChild(row); });
    status.textContent = status.dataset.template
      .replace("${shown}", String(shown)).replace("${total}", String(rows.length));
    var params = new URLSearchParams();
    Object.keys(fields).forEach(function (name) {
      var value = fields[name].value;
      if (value && !(name === "tri" && value === "nom")) { params.set(name, value); }
    });
    var query = params.toString();
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  var initial = new URLSearchParams(window.location.search);
  Object.keys(fields).forEach(function (name) {
    var value = initial.get(name);
    if (value !== null) { fields[name].value = value; }
  });
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
}());
