// Småjob's small enhancements for every page. Each one is progressive: the page works
// without this file (the Content-Security-Policy allows scripts from our own origin only).
"use strict";

// A refused submit comes back with the error summary at the top: focus it, so a screen
// reader reads what to correct and the keyboard starts at its links to each field (WCAG
// 3.3.1). The summary has tabindex="-1": focusable from here, never a tab stop of its own.
function focusErrorSummary() {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
}

document.addEventListener("DOMContentLoaded", focusErrorSummary);

// Phones: the header's links fold into a <details> "Menu", which opens and closes by touch,
// mouse and keyboard without this script. Escape closes it too and puts focus back on "Menu",
// as people expect of a menu button (WCAG 2.1.2: no trap in the open panel).
function closeMenuOnEscape() {
  const menu = document.querySelector("details.site-menu");
  if (!menu) {
    return;
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}

document.addEventListener("DOMContentLoaded", closeMenuOnEscape);
