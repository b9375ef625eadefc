// Small DOM helpers: everything is built with createElement and textContent.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

// Replace a container's children only when what is drawn has changed (keeps focus and scroll).
// Elements marked data-fk keep the keyboard focus across a redraw.
export function replaceIfChanged(node, key, build) {
  if (node.dataset.drawn === key) return false;
  node.dataset.drawn = key;
  const active = document.activeElement;
  const fk = active && node.contains(active) ? active.dataset.fk : null;
  node.replaceChildren(...[].concat(build()).filter((x) => x !== null && x !== undefined && x !== false));
  if (fk) {
    const again = node.querySelector(`[data-fk="${CSS.escape(fk)}"]`);
    if (again) again.focus();
  }
  return true;
}

// Trusted Markdown from the script, as plain paragraphs: blank lines split, ** markers dropped.
export function paragraphs(markdown) {
  return String(markdown || "")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\*\*/g, "").replace(/\s*\n\s*/g, " ").trim())
    .filter(Boolean)
    .map((p) => el("p", { text: p }));
}

export function option(value, label, selected = false) {
  const o = el("option", { value, text: label });
  if (selected) o.selected = true;
  return o;
}

export function connectionText(state, queued = 0) {
  const q = queued ? ` · ${queued} waiting to send` : "";
  switch (state.status) {
    case "connected": return { text: "Connected" + q, cls: "ok" };
    case "reconnecting": return { text: "Reconnecting…" + q, cls: "warn" };
    case "offline": return { text: "Offline" + q, cls: "warn" };
    case "refused": return { text: "Not connected: " + (state.statusMessage || "refused"), cls: "bad" };
    default: return { text: "Connecting…" + q, cls: "warn" };
  }
}

export function showStatus(node, state, queued = 0) {
  const { text, cls } = connectionText(state, queued);
  setText(node, text);
  node.className = `conn ${cls}`;
}

// Say something to screen readers through a polite live region: emptied first, so a repeat is heard.
export function announce(node, text) {
  if (!node || !text) return;
  node.textContent = "";
  setTimeout(() => { node.textContent = text; }, 50);
}

// "an NHS number, a date of birth and a postcode": a short list, for a sentence.
export function inWords(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
