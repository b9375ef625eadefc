// Edits not yet saved are never lost without a word: leaving the page asks first (the browser's
// own question), and sending one form while another holds changes asks which to keep.

const dirty = new Set();
let sending = false;

export function setDirty(form, on) {
  if (on) dirty.add(form); else dirty.delete(form);
}

export function isDirty(form) {
  return dirty.has(form);
}

window.addEventListener("beforeunload", (event) => {
  if (sending || dirty.size === 0) return;
  event.preventDefault();
  event.returnValue = "";  // older browsers need a value to ask
});

// Call from a form's submit handler: false when the person would rather keep the other edits.
export function mayLeave(form, describe) {
  const others = [...dirty].filter((f) => f !== form);
  if (others.length && !window.confirm(`${describe(others)} Send this form and lose them?`)) return false;
  sending = true;
  return true;
}
