// The console's keyboard and clipboard: single-key shortcuts that stay out of the way, and
// buttons that copy a link.
import { setText } from "./dom.js";

const OFF = "facilitator:shortcuts-off";

// Single-key shortcuts (WCAG 2.1.4): they can be switched off (the choice is kept), they never act
// while typing, and Space or Enter on a focused button or link does what that control does.
export function singleKeys(actions, toggle, legend) {
  const on = () => localStorage.getItem(OFF) !== "1";
  const draw = () => {
    toggle.setAttribute("aria-pressed", String(on()));
    setText(toggle, on() ? "Keyboard shortcuts on" : "Keyboard shortcuts off");
    legend.hidden = !on();
  };
  toggle.addEventListener("click", () => { localStorage.setItem(OFF, on() ? "1" : "0"); draw(); });
  draw();
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !on()) return;
    const key = e.key.toLowerCase();
    if (yieldsTo(e.target, key) || !actions[key]) return;
    e.preventDefault();
    actions[key]();
  });
}

function yieldsTo(target, key) {
  if (!target || target === document.body) return false;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  const control = target.closest("button, a[href], summary, [role=button], [role=tab], [role=checkbox], [role=link]");
  return !!control && (key === " " || key === "enter");
}

// Buttons with data-copy="<input id>" copy that input's value; a page not served over https has
// no clipboard API, so fall back to selecting the text and the browser's copy command.
export function copyButtons(status) {
  document.querySelectorAll("button[data-copy]").forEach((button) => button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch (e) {
      input.select();
      copied = document.execCommand("copy");
    }
    setText(status, copied ? `${input.labels[0].firstChild.textContent.trim()} copied.` : "Select the link and copy it.");
    status.className = `send-status ${copied ? "ok" : "warn"}`;
  }));
}
