// The host's review: Agree takes the words in the box; declining or leaving with a changed
// wording asks first, so a rewording is never thrown away unseen.
import { setDirty, mayLeave } from "./unsaved.js";

for (const form of document.querySelectorAll("form.decide-form")) {
  const box = form.elements.text;
  if (box) box.addEventListener("input", () => setDirty(form, box.value.trim() !== box.dataset.original.trim()));
  form.addEventListener("submit", (event) => {
    const ask = event.submitter && event.submitter.dataset.confirm;
    const changed = box && box.value.trim() !== box.dataset.original.trim();
    if (ask && changed && !window.confirm(ask)) { event.preventDefault(); return; }
    if (!mayLeave(form, (others) => `You changed the wording of ${others.length === 1 ? "another item" : `${others.length} other items`}.`)) {
      event.preventDefault();
    }
  });
}
