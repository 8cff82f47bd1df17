// The print button of a printable page (the praktik agreement): a <button data-print hidden>
// that this script shows and wires to the browser's print dialog. Without JavaScript the
// button stays hidden and the browser's own print menu does the same.
"use strict";

for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
