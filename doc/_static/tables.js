// Short table cells ("2.32 ± 0.05", "[-0.34, +0.57]", "3 x 256") never break
// across lines: a figure and its spread stay on one line, and a wide table
// scrolls (custom.css) instead. Cells of prose keep wrapping. A page whose
// tables are still wider than the text column gets the whole page width.
document.addEventListener("DOMContentLoaded", function () {
  var tables = document.querySelectorAll(".bd-article table");
  tables.forEach(function (table) {
    table.querySelectorAll("td, th").forEach(function (cell) {
      if (cell.textContent.trim().length <= 40) {
        cell.classList.add("sklearn-lra-nowrap");
      } else {
        cell.classList.add("sklearn-lra-prose");
      }
    });
  });
  var wide = Array.prototype.some.call(tables, function (table) {
    return table.scrollWidth > table.clientWidth + 1;
  });
  if (wide) {
    document.body.classList.add("sklearn-lra-wide-tables");
  }
});
