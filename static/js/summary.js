// The summary editor: a live preview rendered and sanitised by the server, a word count for
// case-study summaries, and a guard on unsaved edits. Without this script the forms still save.
import { setDirty, mayLeave } from "./unsaved.js";

const DELAY_MS = 300;

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function refresh(form, preview) {
  // answers can overtake each other: only the form's newest request may draw
  const mine = String(Number(form.dataset.asked || 0) + 1);
  form.dataset.asked = mine;
  const body = new URLSearchParams({
    csrf: form.elements.csrf.value,
    markdown: form.elements.markdown.value,
  });
  try {
    const response = await fetch(form.dataset.preview, { method: "POST", body, credentials: "same-origin" });
    if (!response.ok) return;
    const { html } = await response.json();
    if (mine !== form.dataset.asked) return;
    // Drawn silently: a screen reader hears that there are unsaved changes, not the whole preview.
    preview.innerHTML = html; // already sanitised by the server: no script or handler survives
    preview.dataset.fresh = "1";
  } catch {
    // offline for a moment: the preview catches up on the next keystroke
  }
}

function partNames(forms) {
  const names = forms.map((f) => f.closest("section").querySelector("h2").textContent);
  return `You have unsaved changes in ${names.join(", ")}.`;
}

function wireSummary(form) {
  const textarea = form.elements.markdown;
  const saved = textarea.value;
  const preview = form.querySelector(".preview");
  const status = form.closest("section").querySelector(".unsaved");
  const update = debounce(() => refresh(form, preview), DELAY_MS);
  textarea.addEventListener("input", () => {
    const changed = textarea.value !== saved;
    setDirty(form, changed);
    // said once as the state changes, not at every keystroke
    const text = changed ? "Unsaved changes." : "";
    if (status.textContent !== text) status.textContent = text;
    update();
  });
  form.addEventListener("submit", (event) => {
    const confirmText = event.submitter && event.submitter.dataset.confirm;
    if (confirmText && !window.confirm(confirmText)) { event.preventDefault(); return; }
    if (!mayLeave(form, partNames)) event.preventDefault();
  });
}

function wireCaseStudy(form) {
  const start = new FormData(form);
  const changed = () => [...new FormData(form)].some(([k, v]) => start.get(k) !== v);
  form.addEventListener("input", () => setDirty(form, changed()));
  form.addEventListener("submit", (event) => { if (!mayLeave(form, () => "")) event.preventDefault(); });
}

function wireWordCount(textarea) {
  const note = document.createElement("span");
  note.className = "word-count";
  note.id = `${textarea.name}-words`;
  textarea.after(note);
  textarea.setAttribute("aria-describedby", note.id);
  const count = () => {
    const words = textarea.value.trim().split(/\s+/).filter(Boolean).length;
    note.textContent = `${words} words (about ${textarea.dataset.words} suits a summit summary)`;
  };
  textarea.addEventListener("input", count);
  count();
}

document.querySelectorAll("form.summary-form").forEach(wireSummary);
document.querySelectorAll("form.case-form").forEach(wireCaseStudy);
document.querySelectorAll("textarea[data-words]").forEach(wireWordCount);
