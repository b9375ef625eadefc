// On every lead page: critical incidents appear the moment they are raised; notes arrive live on
// the console; the schedule's controls move the clock.
import { connectReview, connText } from "./live.js";
import { el, $, setText, inWords } from "../dom.js";

const alerts = $("#incident-alerts");
const reviewId = alerts.dataset.review;
const base = alerts.dataset.incidentBase;
const live = connectReview({ review: reviewId, role: "lead",
  onStatus: (state, status) => connText($("#lead-conn"), state, status) });

live.socket.on("incident", ({ incident }) => {
  if (!incident.lead_signed_ms && !incident.host_signed_ms && !alerts.querySelector(`[data-id="${CSS.escape(incident.id)}"]`)) {
    alerts.append(el("p", { class: "incident-alert", dataset: { id: incident.id } },
      el("strong", {}, `Critical incident raised by ${incident.role}: `), incident.nature, " ",
      el("a", { href: base + incident.id }, "Open the record")));
  }
  const list = $("#incident-list");
  if (!list) return;
  const empty = list.querySelector(".empty");
  if (empty) empty.remove();
  const item = el("li", { dataset: { id: incident.id } }, el("a", { href: base + incident.id }, incident.nature), " ",
    el("span", { class: "badge" }, incident.role), " ", el("span", { class: "badge" }, incident.status));
  const old = list.querySelector(`[data-id="${CSS.escape(incident.id)}"]`);
  if (old) old.replaceWith(item); else list.prepend(item);
});

function feedItem(note) {
  return el("li", { dataset: { note: note.id } }, el("span", { class: "badge" }, note.role), el("span", { class: "badge kind" }, note.source), " ", note.text);
}

function countNotes(lineId, by) {
  const count = document.querySelector(`.note-count[data-line="${CSS.escape(lineId)}"]`);
  if (count) setText(count, String(Number(count.textContent) + by));
}

// ---- notes held for a child's details: here alone until the lead releases or removes them

const heldPanel = $("#held-notes");

function heldForm(note, action, ...fields) {
  return el("form", { method: "post", action: `${heldPanel.dataset.base}${encodeURIComponent(note.id)}/${action}`, class: "stack" },
    el("input", { type: "hidden", name: "csrf", value: heldPanel.dataset.csrf }), ...fields);
}

function heldItem(note) {
  const area = el("textarea", { id: `held-${note.id}`, name: "text", rows: 3, maxlength: 2000 });
  area.value = note.text;
  return el("li", { class: "held-note", dataset: { note: note.id } },
    el("p", {}, el("span", { class: "badge" }, note.role), el("span", { class: "badge kind" }, note.source), " ",
      el("span", { class: "badge held-badge" }, `seems to hold ${inWords(note.held)}`)),
    heldForm(note, "release", el("label", { for: `held-${note.id}` }, "The note, as it will be kept"), area,
      el("button", { type: "submit", class: "button primary" }, "Release into the record")),
    heldForm(note, "remove", el("button", { type: "submit", class: "button danger" }, "Remove it for good")));
}

function showHeld(note) {
  if (!heldPanel) return;
  const old = heldPanel.querySelector(`[data-note="${CSS.escape(note.id)}"]`);
  if (old) old.remove();
  if (note.held && !note.withdrawn_ms) $("#held-list").append(heldItem(note));
  heldPanel.hidden = !$("#held-list").children.length;
}

if (heldPanel) JSON.parse(heldPanel.dataset.held).forEach(showHeld);

live.socket.on("note", ({ note }) => {
  if (note.held) { showHeld(note); announce("A note is held for you to check."); return; }
  const feed = $("#feed");
  if (feed) feed.prepend(feedItem(note));
  countNotes(note.line_id, 1);
});

// A note corrected or withdrawn by its author, or released or removed by the lead.
live.socket.on("note_changed", ({ note }) => {
  const old = document.querySelector(`#feed [data-note="${CSS.escape(note.id)}"]`);
  const wasHeld = heldPanel && heldPanel.querySelector(`[data-note="${CSS.escape(note.id)}"]`);
  showHeld(note);
  if (note.held) { if (old) { old.remove(); countNotes(note.line_id, -1); } return; }
  if (note.withdrawn_ms) { if (old) { old.remove(); countNotes(note.line_id, -1); } }
  else if (old) old.replaceWith(feedItem(note));
  else if (wasHeld) { const feed = $("#feed"); if (feed) feed.prepend(feedItem(note)); countNotes(note.line_id, 1); }
});

function announce(text) {
  const node = $("#lead-announcer");
  if (node) { node.textContent = ""; setTimeout(() => { node.textContent = text; }, 50); }
}

live.socket.on("member", ({ role }) => {
  const team = $("#team");
  if (!team) return;
  const empty = team.querySelector(".empty");
  if (empty) empty.remove();
  team.append(el("span", { class: "badge" }, role));
});

for (const button of document.querySelectorAll("[data-timer]")) {
  button.addEventListener("click", async () => {
    const ack = await live.send("timer", { action: button.dataset.timer, minutes: Number(button.dataset.minutes || 0) });
    const node = $("#timer-status");
    if (node) { setText(node, ack.ok ? "" : ack.error.message); node.className = `send-status ${ack.ok ? "ok" : "error"}`; }
  });
}
