// The week total follows the days as they are typed (templates/hours/_week.html). Loaded only
// on pages with a week form; without it the total shows the plan and the server adds up
// what is confirmed. Numbers are read and written in the page's language (<html lang>):
// "3,5" in Danish, "3.5" in English; either is accepted, as the server accepts both.
"use strict";

(function () {
  const locale = document.documentElement.lang || "da";
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

  // A typed day: "3,5", "3.5", " 2 " or empty (0). Anything else is not a number (NaN).
  function hoursOf(text) {
    const trimmed = text.trim().replace(",", ".");
    if (trimmed === "") {
      return 0;
    }
    return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  }

  function update(output) {
    const shown = output.querySelector("[data-week-total]") || output;
    let total = 0;
    for (const id of (output.getAttribute("for") || "").split(/\s+/)) {
      const input = id && document.getElementById(id);
      if (!input) {
        continue;
      }
      const hours = hoursOf(input.value);
      if (Number.isNaN(hours)) {
        // The server names the wrong day beside its input; the total cannot be known.
        shown.textContent = "–";
        return;
      }
      total += hours;
    }
    shown.textContent = format.format(total);
  }

  function start() {
    const outputs = document.querySelectorAll("output.week-total");
    for (const output of outputs) {
      for (const id of (output.getAttribute("for") || "").split(/\s+/)) {
        const input = id && document.getElementById(id);
        if (input) {
          input.addEventListener("input", function () {
            update(output);
          });
        }
      }
      update(output); // a page shown again after an error holds what was typed, not the plan
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
