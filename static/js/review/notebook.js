// The team's notebook: notes and critical incidents go into an outbox on the device first, then
// to the server under their own ids, so a phone offline sends them once it is back, exactly once.
import { connectReview, connText } from "./live.js";
import { el, $, setText } from "../dom.js";
import { newId, storedList } from "../ids.js";

const reviewId = document.body.dataset.review;
const role = document.body.dataset.role;
const outbox = storedList(`facilitator:review-outbox:${reviewId}`);
const sent = storedList(`facilitator:review-sent:${reviewId}`);
const inflight = new Set();
let lastStatus = "connecting";

const live = connectReview({ review: reviewId, role, onStatus: (state, status) => { lastStatus = status; drawConn(); if (status === "connected") flush(); } });
// Offline: stop the socket (and any reconnection under way) until the device is back online.
window.addEventListener("offline", () => { live.socket.disconnect(); lastStatus = "disconnected"; drawConn(); });
window.addEventListener("online", () => { if (!live.socket.connected) live.socket.connect(); });

function drawConn() { connText($("#conn"), live.state, lastStatus, outbox.all().length); }

async function sendItem(item) {
  if (inflight.has(item.id)) return;
  inflight.add(item.id);
  const ack = await live.send(item.event, item.payload);
  inflight.delete(item.id);
  const statusNode = item.event === "note" ? $("#note-status") : $("#incident-status");
  if (ack.ok) {
    outbox.remove(item.id);
    sent.add({ ...item, at: Date.now(), held: Boolean(ack.held) });
    if (ack.held) status(statusNode, ack.held, "warn");
    else status(statusNode, item.event === "note" ? "Saved." : "Raised: the lead reviewer has it.", "ok");
  } else if (ack.error.code === "offline" || ack.error.code === "timeout") {
    status(statusNode, "Kept on this device: it is sent when the connection is back.", "warn");
  } else {
    outbox.remove(item.id);   // refused: it will never be accepted, so say why and let it be rewritten
    status(statusNode, `Not saved: ${ack.error.message}`, "error");
  }
  drawMine();
  drawConn();
}

function flush() { for (const item of outbox.all()) sendItem(item); }

function status(node, text, cls) { if (node) { setText(node, text); node.className = `send-status ${cls}`; } }

function queue(event, payload) {
  const item = { id: payload.id, event, payload };
  outbox.add(item);
  drawMine();
  drawConn();
  sendItem(item);
}

const noteForm = $("#note-form");
if (noteForm) {
  noteForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("#note-text").value.trim();
    if (!text) { status($("#note-status"), "Write the note first.", "error"); $("#note-text").focus(); return; }
    queue("note", { id: newId(), line: $("#line").value, source: $("#source").value, text });
    $("#note-text").value = "";
  });
}

$("#incident-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const nature = $("#inc-nature").value.trim();
  if (!nature) { status($("#incident-status"), "Describe the incident first.", "error"); $("#inc-nature").focus(); return; }
  // Left blank, it was identified now: this device's local time, as the field would give it, so an
  // incident kept offline keeps the time it was raised (an ISO string would be UTC, an hour out in summer).
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
  queue("incident", { id: newId(), nature, evidence: $("#inc-evidence").value.trim(),
    identified_at: $("#inc-when").value || now.toISOString().slice(0, 16), immediate_action: $("#inc-action").value.trim() });
  for (const id of ["#inc-nature", "#inc-evidence", "#inc-when", "#inc-action"]) $(id).value = "";
});

// A saved note can be corrected or withdrawn by its author (this device) while the review is live.
let editing = null;      // {id, text} while a correction is being written
let confirming = null;   // the id of a note that is evidence for a finding, awaiting "withdraw anyway"

function keepSent(id, change) {
  const key = `facilitator:review-sent:${reviewId}`;
  try {
    const list = sent.all().flatMap((x) => (x.id === id ? change(x) : [x]));
    localStorage.setItem(key, JSON.stringify(list));
  } catch (e) { /* storage full or private: the server has the truth */ }
}

async function correct(id) {
  const text = editing.text.trim();
  if (!text) { status($("#mine-status"), "Write the corrected note first.", "error"); return; }
  const ack = await live.send("note_edit", { id, text });
  if (!ack.ok) { status($("#mine-status"), `Not corrected: ${ack.error.message}`, "error"); return; }
  keepSent(id, (x) => [{ ...x, held: Boolean(ack.held), payload: { ...x.payload, text: ack.note.text, source: ack.note.source } }]);
  editing = null;
  status($("#mine-status"), ack.held ? `Corrected. ${ack.held}` : "Corrected.", ack.held ? "warn" : "ok");
  drawMine();
}

async function withdraw(id, confirm = false) {
  const ack = await live.send("note_withdraw", confirm ? { id, confirm: true } : { id });
  if (ack.ok) {
    keepSent(id, () => []);
    confirming = null;
    status($("#mine-status"), "Withdrawn: it is no longer in the notebook.", "ok");
  } else if (ack.error.code === "in_use") {
    confirming = id;
    status($("#mine-status"), ack.error.message, "warn");
  } else {
    status($("#mine-status"), `Not withdrawn: ${ack.error.message}`, "error");
  }
  drawMine();
  const again = document.querySelector(`[data-confirm="${CSS.escape(id)}"]`);
  if (again) again.focus();
}

function actions(x) {
  const textId = `mine-text-${x.id}`;
  if (editing && editing.id === x.id) {
    const area = el("textarea", { id: `edit-${x.id}`, rows: 3, maxlength: 2000,
      oninput: (e) => { editing.text = e.target.value; } });
    area.value = editing.text;
    return el("form", { class: "stack edit-note", onsubmit: (e) => { e.preventDefault(); correct(x.id); } },
      el("label", { for: `edit-${x.id}` }, "Corrected note"), area,
      el("div", { class: "row" }, el("button", { class: "button small primary", type: "submit" }, "Save the correction"),
        el("button", { class: "button small", type: "button", onclick: () => { editing = null; drawMine(); } }, "Cancel")));
  }
  const buttons = [
    el("button", { class: "button small", type: "button", "aria-describedby": textId,
      onclick: () => { editing = { id: x.id, text: x.payload.text }; confirming = null; drawMine(); $(`#edit-${CSS.escape(x.id)}`).focus(); } }, "Correct"),
    el("button", { class: "button small", type: "button", "aria-describedby": textId, onclick: () => withdraw(x.id) }, "Withdraw"),
  ];
  if (confirming === x.id) {
    buttons.push(el("button", { class: "button small danger", type: "button", "aria-describedby": textId,
      dataset: { confirm: x.id }, onclick: () => withdraw(x.id, true) }, "Withdraw it anyway"));
  }
  return el("div", { class: "row note-actions" }, buttons);
}

function drawMine() {
  const waiting = new Set(outbox.all().map((x) => x.id));
  const items = [...outbox.all(), ...sent.all().filter((x) => !waiting.has(x.id))].filter((x) => x.event === "note");
  const lineTitle = (id) => { const o = document.querySelector(`#line option[value="${CSS.escape(id)}"]`); return o ? o.textContent : ""; };
  $("#mine").replaceChildren(...items.reverse().map((x) => el("li", { class: waiting.has(x.id) ? "waiting" : "saved", dataset: { note: x.id } },
    el("span", { class: "badge" }, waiting.has(x.id) ? "waiting to send" : x.held ? "held for the lead reviewer" : "saved"),
    el("span", { class: "badge kind" }, x.payload.source), " ", el("span", { id: `mine-text-${x.id}`, class: "note-text" }, x.payload.text),
    el("span", { class: "muted small block" }, lineTitle(x.payload.line)),
    waiting.has(x.id) ? null : actions(x))));
}
drawMine();
drawConn();
