import { initAll } from "../build/govuk-frontend.min.js";

initAll();

// A wide table scrolls inside its own box, not the page (WCAG 1.4.10 Reflow): the box takes
// keyboard focus so it can be scrolled without a mouse, and is named after the table's caption.
// Pages can do this themselves with jinja2/tables.html; this catches every other table.
for (const table of document.querySelectorAll("table.govuk-table")) {
  if (table.closest(".passport-table-scroll")) continue;
  const box = document.createElement("div");
  box.className = "passport-table-scroll";
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  const caption = table.caption?.textContent.trim().replace(/\s+/g, " ");
  box.setAttribute("aria-label", caption || "Table");
  table.before(box);
  box.append(table);
}
