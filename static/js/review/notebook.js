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
    sent.add({ ...item, at: Date.now() });
    status(statusNode, item.event === "note" ? "Saved." : "Raised: the lead reviewer has it.", "ok");
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
  const when = $("#inc-when").value || new Date().toISOString().slice(0, 16);
  queue("incident", { id: newId(), nature, evidence: $("#inc-evidence").value.trim(),
    identified_at: when.replace("T", " "), immediate_action: $("#inc-action").value.trim() });
  for (const id of ["#inc-nature", "#inc-evidence", "#inc-when", "#inc-action"]) $(id).value = "";
});

function drawMine() {
  const waiting = new Set(outbox.all().map((x) => x.id));
  const items = [...outbox.all(), ...sent.all().filter((x) => !waiting.has(x.id))].filter((x) => x.event === "note");
  const lineTitle = (id) => { const o = document.querySelector(`#line option[value="${CSS.escape(id)}"]`); return o ? o.textContent : ""; };
  $("#mine").replaceChildren(...items.reverse().map((x) => el("li", { class: waiting.has(x.id) ? "waiting" : "saved" },
    el("span", { class: "badge" }, waiting.has(x.id) ? "waiting to send" : "saved"),
    el("span", { class: "badge kind" }, x.payload.source), " ", x.payload.text,
    el("span", { class: "muted small block" }, lineTitle(x.payload.line)))));
}
drawMine();
drawConn();
