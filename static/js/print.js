// The print button of a printable page (the praktik agreement): a <p data-print hidden>
// holding a <button>, which this script shows and wires to the browser's print dialog.
// Without JavaScript it stays hidden and the browser's own print menu does the same.
"use strict";

for (const holder of document.querySelectorAll("[data-print]")) {
  const button = holder.querySelector("button");
  if (!button) continue;
  button.addEventListener("click", () => window.print());
  holder.hidden = false;
}
