// The summary editor: a live preview rendered and sanitised by the server, and a word count for
// case-study summaries. Without this script the forms still save, and the preview shows on reload.

const DELAY_MS = 300;

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function refresh(form, preview, status) {
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
    preview.innerHTML = html; // already sanitised by the server: no script or handler survives
    preview.dataset.fresh = "1";
  } catch {
    // offline for a moment: the preview catches up on the next keystroke
  }
  status.hidden = false;
}

function wireSummary(form) {
  const textarea = form.elements.markdown;
  const preview = form.querySelector(".preview");
  const status = form.closest("section").querySelector(".unsaved");
  const update = debounce(() => refresh(form, preview, status), DELAY_MS);
  textarea.addEventListener("input", update);
  form.addEventListener("submit", (event) => {
    const confirmText = event.submitter && event.submitter.dataset.confirm;
    if (confirmText && !window.confirm(confirmText)) event.preventDefault();
  });
}

function wireWordCount(textarea) {
  const note = document.createElement("span");
  note.className = "word-count";
  textarea.after(note);
  const count = () => {
    const words = textarea.value.trim().split(/\s+/).filter(Boolean).length;
    note.textContent = `${words} words (about ${textarea.dataset.words} suits a summit summary)`;
  };
  textarea.addEventListener("input", count);
  count();
}

document.querySelectorAll("form.summary-form").forEach(wireSummary);
document.querySelectorAll("textarea[data-words]").forEach(wireWordCount);
