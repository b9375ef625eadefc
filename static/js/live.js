// The live connection shared by the console, the projector and the phones:
// connect, hold the snapshot, follow seq, apply events, measure the server clock offset.
// relative, so a module loaded from a versioned address imports the same version
import { io } from "../../vendor/socket.io.esm.min.js";
import { formatCountdown, remainingOn } from "./countdown.js";
import { inWords } from "./dom.js";

const TIME_SAMPLES = 5;

export function connectLive({ day, role, render, onConnect, onStatus }) {
  const state = {
    snap: null,          // the whole truth as last known
    seq: -1,
    offset: 0,           // server clock minus local clock, ms
    offsetMeasured: false,
    connected: false,
    status: "connecting", // connecting | connected | reconnecting | offline | refused
    statusMessage: "",
  };
  // On every (re)connect the auth says which seq this screen holds: the server then sends only
  // what changed since (a `changes` event) rather than the whole day, when it can.
  // WebSocket first: one round trip to open where long-polling needs several (a slow venue link
  // feels each); polling stays as the fallback for networks that block WebSockets.
  const socket = io({
    auth: (cb) => cb(state.snap ? { day, role, seq: state.seq } : { day, role }),
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    // After a blip or a restart, try again after half a second (randomised by half), doubling to
    // at most 2 s: a room is back in seconds, and 500 phones still arrive spread out.
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
  });
  let renderQueued = false;
  const afterDraw = [];  // the countdowns: a changed clock is drawn at once, not at their next tick

  function draw(reason) {
    if (!state.snap) return;
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => { renderQueued = false; render(state, reason); afterDraw.forEach((f) => f()); });
  }

  function setStatus(status, message = "") {
    state.status = status;
    state.statusMessage = message;
    if (onStatus) onStatus(state);
  }

  function takeSnapshot(snap) {
    state.snap = snap;
    state.seq = snap.seq;
    if (!state.offsetMeasured) state.offset = snap.server_now - Date.now();
    draw("snapshot");
  }

  // Catch up from what changed since the seq held; anything the server cannot say that way
  // comes as a whole snapshot instead.
  function takeChanges(msg) {
    if (!state.snap || typeof msg.seq !== "number") return;
    if (msg.since > state.seq) { resync(true); return; } // a gap it does not cover
    if (msg.seq <= state.seq) return; // nothing newer than what is held
    const s = state.snap;
    for (const c of msg.contributions) upsert(s.contributions, c);
    s.clock = msg.clock;
    s.queue = msg.queue;
    if (msg.reflections) s.reflections = msg.reflections;
    if (msg.concerns) s.concerns = msg.concerns;
    if (msg.me) s.me = msg.me;
    if (msg.participants) s.participants = msg.participants;
    s.seq = state.seq = msg.seq;
    s.server_now = msg.server_now;
    if (!state.offsetMeasured) state.offset = msg.server_now - Date.now();
    draw("snapshot");
  }

  let resyncing = false;
  async function resync(whole = false) {
    if (resyncing) return;
    resyncing = true;
    try {
      const since = !whole && state.snap ? { seq: state.seq } : {};
      const ack = await socket.timeout(5000).emitWithAck("snapshot", since);
      if (ack && ack.ok && ack.changes) takeChanges(ack.changes);
      else if (ack && ack.ok && ack.snapshot) takeSnapshot(ack.snapshot);
    } catch (e) {
      // timed out: the next reconnect brings a snapshot anyway
    } finally {
      resyncing = false;
    }
  }

  // Apply a broadcast if it is the next one; ask for the whole truth if one was missed.
  function follow(msg, apply) {
    if (!state.snap || typeof msg.seq !== "number") return;
    if (msg.seq <= state.seq) return;
    if (msg.seq > state.seq + 1) { resync(); return; }
    state.seq = msg.seq;
    state.snap.seq = msg.seq;
    apply(state.snap);
    draw("event");
  }

  async function measureOffset() {
    let best = null;
    for (let i = 0; i < TIME_SAMPLES; i++) {
      const t0 = Date.now();
      let ack;
      try { ack = await socket.timeout(3000).emitWithAck("time"); } catch (e) { break; }
      const t1 = Date.now();
      if (!ack || !ack.ok) break;
      const rtt = t1 - t0;
      if (!best || rtt < best.rtt) best = { rtt, offset: ack.now - (t0 + t1) / 2 };
    }
    if (best) {
      state.offset = best.offset;
      state.offsetMeasured = true;
      state.rtt = best.rtt;
      draw("offset");
    }
  }

  socket.on("connect", () => {
    state.connected = true;
    setStatus("connected");
    measureOffset();
    if (onConnect) onConnect(state);
  });
  socket.on("disconnect", (reason) => {
    state.connected = false;
    setStatus(navigator.onLine === false ? "offline" : "reconnecting", reason);
  });
  socket.on("connect_error", (err) => {
    state.connected = false;
    if (socket.active) setStatus(navigator.onLine === false ? "offline" : "reconnecting", err.message);
    else setStatus("refused", err.message); // the server refused us: no retry
  });
  // Every other browser of the day was signed out: connect again, which only a browser still
  // signed in can (the server has stopped sending this one anything).
  socket.on("signed_out", () => { socket.disconnect(); socket.connect(); });
  // A phone that slept may hold a socket that is not yet known to be dead: check on waking.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && socket.connected) resync();
  });
  window.addEventListener("offline", () => { if (!state.connected) setStatus("offline"); });
  window.addEventListener("online", () => { if (!state.connected) setStatus("reconnecting"); });

  socket.on("snapshot", takeSnapshot);
  socket.on("changes", takeChanges);
  socket.on("clock", (msg) => follow(msg, (s) => { s.clock = msg.clock; s.queue = msg.queue; }));
  socket.on("spotlight", (msg) => follow(msg, (s) => { s.spotlight = msg.spotlight; }));
  socket.on("reflection", (msg) => follow(msg, (s) => { s.reflections = withReflection(s.reflections || [], msg.reflection); }));
  // A serious concern comes with no seq (it is no change to what the room sees): take it as it is.
  socket.on("concern", (msg) => {
    if (!state.snap) return;
    state.snap.concerns = [...(state.snap.concerns || []).filter((c) => c.id !== msg.concern.id), msg.concern]
      .sort((a, b) => a.created_ms - b.created_ms);
    draw("concern");
  });
  // What only its author may see of a contribution (one held back for a child's details), sent
  // just after the room's word on it, which moved the seq: taken as it is.
  socket.on("own_contribution", (msg) => {
    if (!state.snap) return;
    upsert(state.snap.contributions, msg.contribution);
    draw("event");
  });
  socket.on("contribution", (msg) => follow(msg, (s) => {
    upsert(s.contributions, msg.contribution);
    if (msg.queue) s.queue = msg.queue; // sent only when the change could move it
  }));

  async function send(event, payload, timeoutMs = 5000) {
    // Resolves to the ack; a timeout or disconnection becomes {ok:false, error:{code:"timeout"}}.
    if (!socket.connected) return { ok: false, error: { code: "offline", message: "Not connected just now." } };
    try {
      return await socket.timeout(timeoutMs).emitWithAck(event, payload);
    } catch (e) {
      return { ok: false, error: { code: "timeout", message: "No answer from the server yet." } };
    }
  }

  return { state, socket, send, redraw: () => draw("local"), resync, onDraw: (f) => afterDraw.push(f) };
}

function upsert(list, c) {
  const i = list.findIndex((x) => x.id === c.id);
  if (c.removed) {
    // removed for the details it held: its words go from this screen too
    if (i === -1) list.push(c); else list[i] = c;
  } else if (i === -1) {
    if (!c.hidden || c.kind) list.push(c);
  } else if (c.kind === undefined) {
    list[i] = { ...list[i], hidden: 1 }; // the public sees a hidden one as {id, hidden}
  } else {
    list[i] = c;
  }
}

// One session's reflection in the list the screens hold, replacing what it said before.
function withReflection(list, r) {
  return [...list.filter((x) => x.session !== r.session || x.step !== r.step), r];
}

export function reflectionOf(snap, session, step) {
  return (snap.reflections || []).find((r) => r.session === session && r.step === step) || null;
}

// ---- the clock

// The facilitator has ended the day: the server says so with the clock's status.
export function dayEnded(snap) {
  return !!snap && snap.clock.status === "ended";
}

export function serverNow(state) {
  return Date.now() + state.offset;
}

export function remainingMs(state) {
  return remainingOn(state.snap && state.snap.clock, serverNow(state));
}

export function currentItem(snap) {
  return snap.agenda[snap.clock.index];
}

// Draw a countdown element now and every 250 ms; onTick sees the remaining ms each time.
export function runCountdown(live, element, onTick) {
  let last = "";
  function tick() {
    const snap = live.state.snap;
    if (!snap) return;
    const ended = dayEnded(snap);
    element.classList.toggle("ended", ended);
    if (ended) {
      if (last !== "ended") { element.textContent = "Ended"; element.dataset.chars = 5; last = "ended"; }
      element.classList.remove("over", "soon");
      if (onTick) onTick(0, snap);
      return;
    }
    const ms = remainingMs(live.state);
    const { text, over } = formatCountdown(ms);
    if (text !== last) { element.textContent = text; element.dataset.chars = text.length; last = text; }
    element.classList.toggle("over", over);
    element.classList.toggle("paused", snap.clock.status !== "running");
    element.classList.toggle("soon", !over && ms <= 60_000 && snap.clock.status === "running");
    if (onTick) onTick(ms, snap);
  }
  tick();
  if (live.onDraw) live.onDraw(tick);
  const id = setInterval(tick, 250);
  return { tick, stop: () => clearInterval(id) };
}

// Calls handlers once when a running step crosses one minute left and zero.
export function crossingWatcher({ onMinute, onZero }) {
  let key = null;
  let prev = null;
  return function watch(ms, snap) {
    const c = snap.clock;
    const k = `${c.index}:${c.status}:${c.deadline_ms}`;
    if (k !== key) { key = k; prev = ms; return; }
    if (c.status === "running" && prev !== null) {
      if (onMinute && prev > 60_000 && ms <= 60_000 && ms > 0) onMinute(snap);
      if (onZero && prev > 0 && ms <= 0) onZero(snap);
    }
    prev = ms;
  };
}

// What changed on the clock since the last snapshot, in words for a screen reader ("" when nothing).
export function clockNews() {
  let prev = null;
  return function news(snap) {
    const c = snap.clock;
    const now = { index: c.index, status: c.status, deadline: c.deadline_ms, remaining: c.remaining_ms };
    const p = prev;
    prev = now;
    if (!p) return "";
    const title = snap.agenda[c.index].title;
    if (c.status === "ended" && p.status !== "ended") return "The day has ended.";
    if (p.index !== c.index) return `Moved to ${title}${c.status === "paused" ? ", paused" : ""}.`;
    if (p.status !== c.status) {
      return { running: p.status === "ready" ? `${title} started.` : `${title} resumed.`, paused: `${title} paused.`, ready: "" }[c.status];
    }
    return p.deadline !== now.deadline || p.remaining !== now.remaining ? "Time added." : "";
  };
}

export function clockTime(ms) {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function minutesText(minutes) {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const r = m % 60;
  return r ? `${h} h ${r} min` : `${h} h`;
}

export function lateText(lateMs) {
  const m = Math.round((lateMs || 0) / 60_000);
  if (m === 0) return { text: "On time", cls: "ontime" };
  if (m > 0) return { text: `${minutesText(m)} late`, cls: "late" };
  return { text: `${minutesText(-m)} ahead`, cls: "ahead" };
}

// ---- the agenda, in words

export function stepContext(item) {
  // "Session 2 · Step 2 of 5 · Eastbridge presents"
  if (item.session === null || item.session === undefined) return "";
  const parts = [`Session ${item.session + 1}`];
  if (item.position) parts.push(`Step ${item.position} of ${item.session_length}`);
  if (item.presenter) parts.push(`${item.presenter} presents`);
  return parts.join(" · ");
}

// Who speaks in this step, for everyone; for a phone, its part (as the server says) makes it personal.
export function whoSpeaks(item, part) {
  const p = item.presenter;
  if (onBalcony(item, part)) return "Listen from the balcony";
  switch (item.speaker) {
    case "presenter": return item.position === 1 ? `${p} presents` : `${p} speaks`;
    case "visitors":
      if (item.turns) return "Visitors ask questions, taking turns";
      if (item.listening === "presenter") return `Visitors talk on the balcony · ${p} listens`;
      return "Visitors speak";
    case "everyone": return "Everyone speaks";
    case "facilitator": return "The facilitator leads";
    case "nobody": return "Time out";
    default: return "";
  }
}

// A phone's part in the current item (presenter, visitor or observer): the server's word, sent
// with the clock, so a step that changes hands changes it.
export function partOf(snap) {
  return snap.me ? snap.clock.parts[snap.me.authority] : undefined;
}

// The presenting authority listens while its visitors talk on the balcony.
export function onBalcony(item, part) {
  return part === "presenter" && item.listening === "presenter";
}

// A kind's label in the plural, as the server words it ("Signatures of risk").
export function kindPlural(snap, kind) {
  return snap.script.plurals.kinds[kind] || kind;
}

export function kindLabel(snap, kind) {
  const k = snap.script.kinds[kind];
  return k ? k.label : kind;
}

export function isQueueKind(snap, kind) {
  return !!(snap.script.kinds[kind] && snap.script.kinds[kind].queue);
}

export function isCategorised(snap, kind) {
  return !!(snap.script.kinds[kind] && snap.script.kinds[kind].categorised);
}

export function visible(c) {
  return c && c.kind && !c.hidden && !c.merged_into && !c.held;
}

// "an NHS number and a postcode": what a held contribution seemed to hold, for a sentence.
export function heldWhy(c) {
  return inWords(c.held || []);
}

export function byId(snap) {
  const map = new Map();
  for (const c of snap.contributions) map.set(c.id, c);
  return map;
}

// The open questions in the order they should be asked, then the rest of the session's.
export function questionsInOrder(snap, session) {
  const map = byId(snap);
  const ids = (snap.queue && snap.queue.session === session) ? snap.queue.ids : [];
  const queued = ids.map((id) => map.get(id)).filter(visible);
  const rest = snap.contributions.filter((c) => visible(c) && isQueueKind(snap, c.kind)
    && c.session === session && !ids.includes(c.id));
  return { queued, rest };
}

// The schedule as of now: the server sends it when something changes, and an overrunning or
// paused step pushes everything after it later as time passes, so shift it by what has passed.
export function liveSchedule(state) {
  const { clock } = state.snap;
  const now = serverNow(state);
  const sent = clock.server_now;
  let shift = 0;
  if (clock.status === "running") shift = Math.max(clock.deadline_ms, now) - Math.max(clock.deadline_ms, sent);
  else if (clock.status === "paused") shift = now - sent;
  else if (clock.status === "ended") shift = 0; // it stands still
  else {
    const planned = clock.items[clock.index].planned_start_ms;
    shift = Math.max(now, planned) - Math.max(sent, planned);
  }
  shift = Math.max(0, shift);
  const starts = clock.items.map((it, i) => {
    if (i < clock.index) return it.projected_start_ms;
    if (i === clock.index) return clock.status === "ready" ? it.projected_start_ms + shift : it.projected_start_ms;
    return it.projected_start_ms + shift;
  });
  return { lateMs: clock.late_ms + shift, endMs: clock.projected_end_ms + shift, plannedEndMs: clock.planned_end_ms, starts };
}

// ---- a serious concern's record, in words: the same facts on the console and the host's phones

export function concernFacts(c) {
  return [
    ["About", c.authority],
    ["Raised by", c.raised_by === "facilitator" ? "the facilitator" : c.raised_by === "observer" ? "an observer" : c.raised_by],
    ["Raised at", c.raised_at],
    ["Nature of the concern", c.nature],
    ["What was seen", c.seen || "-"],
    ["Action taken at once", c.immediate_action || "-"],
    ["The host's response", c.host_response || "not yet recorded"],
    ["Signed by the facilitator", c.facilitator_signed_at || "not yet"],
    [`Signed by ${c.authority}`, c.host_signed_at || "not yet"],
  ];
}
