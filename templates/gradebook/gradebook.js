// Sorting and filtering of the gradebook table. Also applies "#sort=<column>&dir=asc|desc&q=<text>&trust=<label>"
// from the address, so a view can be bookmarked or shared.
(function () {
  var table = document.getElementById('grades');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById('filter');
  var trust = document.getElementById('trust');
  var shown = document.getElementById('shown');
  function apply() {
    var text = filter.value.trim().toLowerCase();
    var t = trust.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.getAttribute('data-search').indexOf(text) >= 0) && (!t || r.getAttribute('data-source') === t);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  function value(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell ? cell.getAttribute('data-value') || cell.textContent.trim() : '';
    if (!numeric) return v.toLowerCase();
    var x = parseFloat(v);
    return isNaN(x) ? -Infinity : x;
  }
  function sortBy(col, dir) {
    var numeric = heads[col].getAttribute('data-type') === 'num';
    var sign = dir === 'desc' ? -1 : 1;
    rows.sort(function (a, b) {
      var x = value(a, col, numeric), y = value(b, col, numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (h, i) { h.setAttribute('aria-sort', i === col ? (dir === 'desc' ? 'descending' : 'ascending') : 'none'); });
  }
  heads.forEach(function (h, i) {
    h.addEventListener('click', function () { sortBy(i, h.getAttribute('aria-sort') === 'ascending' ? 'desc' : 'asc'); });
  });
  filter.addEventListener('input', apply);
  trust.addEventListener('change', apply);
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get('q')) filter.value = params.get('q');
  if (params.get('trust')) trust.value = params.get('trust');
  var col = heads.findIndex(function (h) { return h.getAttribute('data-key') === params.get('sort'); });
  if (col >= 0) sortBy(col, params.get('dir') === 'desc' ? 'desc' : 'asc');
  apply();
  document.body.setAttribute('data-ready', 'yes');
})();
