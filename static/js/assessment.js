// The company's assessment form (templates/employers/assessment_form.html): a question that
// applies to some answers only sits in a <div data-shown-when="NAME" data-values="A B">,
// shown while the radio button NAME has one of those values. Without this script every
// question shows, and the server reads each only when it applies.
"use strict";

function showWhatApplies(form) {
  for (const part of form.querySelectorAll("[data-shown-when]")) {
    const chosen = form.querySelector(`input[name="${part.dataset.shownWhen}"]:checked`);
    const values = part.dataset.values.split(" ");
    // Until the question is answered, what depends on it waits.
    part.hidden = !chosen || !values.includes(chosen.value);
  }
}

for (const form of document.querySelectorAll("form.assessment-form")) {
  form.addEventListener("change", () => showWhatApplies(form));
  showWhatApplies(form);
}
