// The review's live connection: the /review namespace, the schedule's countdown, acks with a timeout.
// relative, so a module loaded from a versioned address imports the same version (as the day's do)
import { io } from "../../../vendor/socket.io.esm.min.js";
import { setText } from "../dom.js";
import { formatCountdown, remainingOn } from "../countdown.js";

export function connectReview({ review, role, onStatus }) {
  const state = { clock: null, offset: 0, connected: false };
  const socket = io("/review", { auth: { review, role } });
  socket.on("connect", () => { state.connected = true; if (onStatus) onStatus(state, "connected"); });
  socket.on("disconnect", () => { state.connected = false; if (onStatus) onStatus(state, "disconnected"); });
  socket.on("connect_error", (err) => {
    state.connected = false;
    if (onStatus) onStatus(state, socket.active ? "disconnected" : "refused", err.message);
  });
  // Every other browser of the review was signed out: connect again, which only one still signed in can.
  socket.on("signed_out", () => { socket.disconnect(); socket.connect(); });
  socket.on("clock", (msg) => { state.clock = msg.clock; state.offset = msg.clock.server_now - Date.now(); drawClock(state); });

  async function send(event, payload, timeoutMs = 5000) {
    if (!socket.connected) return { ok: false, error: { code: "offline", message: "Not connected just now." } };
    try { return await socket.timeout(timeoutMs).emitWithAck(event, payload); }
    catch (e) { return { ok: false, error: { code: "timeout", message: "No answer from the server yet." } }; }
  }
  setInterval(() => drawClock(state), 500);
  return { state, socket, send };
}

const STATUS = { ready: "Not started", running: "Running", paused: "Paused" };

function drawClock(state) {
  const c = state.clock;
  if (!c) return;
  const ms = remainingOn(c, Date.now() + state.offset);
  const countdown = document.querySelector("#countdown");
  if (countdown) {
    const { text, over } = formatCountdown(ms);
    setText(countdown, text);
    countdown.classList.toggle("over", over);
    countdown.classList.toggle("paused", c.status !== "running");
  }
  setText(document.querySelector("#slot-title"), c.title);
  const day = document.querySelector("#slot-day");
  if (day) setText(day, `Day ${c.day}`);
  const status = document.querySelector("#clock-status");
  if (status) setText(status, STATUS[c.status] || c.status);
  for (const li of document.querySelectorAll(".schedule-item")) {
    const i = Number(li.dataset.index);
    li.classList.toggle("done", i < c.index);
    li.classList.toggle("current", i === c.index);
    li.classList.toggle("later", i > c.index);
    if (i === c.index) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
  }
}

export function connText(node, state, status, queued = 0) {
  if (!node) return;
  const waiting = queued ? ` · ${queued} waiting to send` : "";
  if (status === "connected") { node.textContent = `Connected${waiting}`; node.className = "conn ok"; }
  else if (status === "refused") { node.textContent = "Refused: open your own link again"; node.className = "conn bad"; }
  else if (document.querySelector("#note-form, #incident-form")) { node.textContent = `Offline: notes are kept on this device${waiting}`; node.className = "conn warn"; }
  else { node.textContent = "Reconnecting…"; node.className = "conn warn"; }
}
