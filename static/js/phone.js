// The phone: the step, who speaks, the countdown, a form for what this step collects,
// an outbox that survives being offline, the participant's own contributions and the wall.
import { connectLive, runCountdown, crossingWatcher, clockNews as makeClockNews, currentItem, stepContext, whoSpeaks, partOf, onBalcony,
  kindLabel, isCategorised, questionsInOrder, visible, heldWhy, dayEnded, reflectionOf, concernFacts } from "./live.js";
import { el, $, setText, replaceIfChanged, option, showStatus, announce } from "./dom.js";
import { newId, storedList } from "./ids.js";
import { voteText } from "./cards.js";

const body = document.body;
const dayId = body.dataset.day;
const outbox = storedList(`facilitator:outbox:${dayId}`);
const acked = new Set();   // ids acknowledged since the last snapshot
const inflight = new Set();
let votes = new Set();
let editing = null;        // id of the contribution being edited
let lastNudge = null;      // {id, text}
let chosenKind = null;
let formStep = null;       // the agenda index the form was drawn for
const clockNews = makeClockNews();  // what changed on the clock since the last draw, in words

const live = connectLive({
  day: dayId,
  role: "participant",
  render,
  onConnect: () => flush(),
  onStatus: () => drawStatus(),
});

// Treat the phone's own "offline" as a disconnect at once, rather than waiting for a ping.
window.addEventListener("offline", () => { if (live.socket.connected) live.socket.disconnect(); drawStatus(); });
window.addEventListener("online", () => { if (!live.socket.connected) live.socket.connect(); });

// Time up is said aloud too: someone who cannot see the countdown hears it.
const watch = crossingWatcher({
  onMinute: () => announce($("#announcer"), "1 minute left."),
  onZero: (snap) => announce($("#announcer"), `Time is up for ${currentItem(snap).title}.`),
});
runCountdown(live, $("#countdown"), watch);

function drawStatus() {
  showStatus($("#conn"), live.state, outbox.all().length);
}

// A form's status line: what happened to what was just sent, in words.
function setStatusOf(selector, text, cls = "") {
  const node = $(selector);
  setText(node, text);
  node.className = `send-status ${cls}`;
}

function setSendStatus(text, cls = "") {
  setStatusOf("#send-status", text, cls);
}

// ---- sending

// A send the server never answers is tried again, waiting longer each time; after MAX_TRIES it
// waits for the person ("Not sent: try again"), text kept, rather than retrying for ever.
// Being offline is not a try: everything waiting goes when the connection is back.
const MAX_TRIES = 4;
const RETRY_MS = [2000, 5000, 12000];

async function sendItem(item) {
  if (inflight.has(item.id)) return;
  inflight.add(item.id);
  const { tries, stuck, ...payload } = item; // the outbox's own notes stay on the phone
  const ack = await live.send("contribute", payload);
  inflight.delete(item.id);
  if (!outbox.has(item.id)) return; // answered meanwhile by another try
  if (ack.ok) {
    outbox.remove(item.id);
    acked.add(item.id);
    if (ack.nudge) lastNudge = { id: item.id, text: ack.nudge };
    if (ack.held) setSendStatus(ack.held, "warn");
    else setSendStatus(waitingCount() ? waitingText() : (ack.duplicate ? "Sent (it had already arrived)." : "Sent. Thank you."), "ok");
  } else if (ack.error.code === "offline") {
    setSendStatus(waitingText(), "warn");
  } else if (ack.error.code === "timeout") {
    noAnswer(item);
  } else if (ack.error.code === "rate_limited") {
    // the server asks us to slow down: keep it and try again shortly
    setSendStatus(`${ack.error.message} (${waitingText()})`, "warn");
    setTimeout(flush, 2500);
  } else {
    // refused: nothing is lost, the text goes back into the form with the reason, and it is not re-sent
    outbox.remove(item.id);
    putBack(item);
    setSendStatus(ack.error.message, "error");
  }
  drawStatus();
  live.redraw();
}

function noAnswer(item) {
  const tries = (item.tries || 0) + 1;
  if (tries >= MAX_TRIES) {
    outbox.add({ ...item, tries, stuck: true });
    setSendStatus("Not sent: the server did not answer. Your text is kept below: press Try again.", "error");
    return;
  }
  outbox.add({ ...item, tries });
  setSendStatus(waitingText(), "warn");
  setTimeout(() => {
    const again = outbox.all().find((x) => x.id === item.id);
    if (again && !again.stuck && live.socket.connected) sendItem(again);
  }, RETRY_MS[Math.min(tries, RETRY_MS.length) - 1]);
}

function tryAgain(id) {
  const item = outbox.all().find((x) => x.id === id);
  if (!item) return;
  const fresh = { ...item, tries: 0, stuck: false };
  outbox.add(fresh);
  setSendStatus("Sending…");
  live.redraw();
  sendItem(fresh);
}

function waitingCount() { return outbox.all().length; }
function waitingText() { return `Saved on this phone, waiting to send (${waitingCount()}).`; }

async function flush() {
  for (const item of outbox.all()) {
    if (!live.socket.connected) break;
    if (!item.stuck) await sendItem(item);
  }
}

function putBack(item) {
  const text = $("#text");
  text.value = text.value.trim() ? `${item.text}\n\n${text.value}` : item.text;
  chosenKind = item.kind;
  const radio = document.querySelector(`input[name="kind"][value="${CSS.escape(item.kind)}"]`);
  if (radio) radio.checked = true;
  if (item.category) $("#category").value = item.category;
  drawFormFor(item.kind);
  text.focus();
}

$("#add-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const snap = live.state.snap;
  if (!snap) return;
  const kind = selectedKind();
  const text = $("#text").value.trim();
  if (!kind) { setSendStatus("Nothing can be added just now.", "error"); return; }
  if (!text) { setSendStatus("Write something first.", "error"); $("#text").focus(); return; }
  const most = snap.script.max_text;
  if (text.length > most) { setSendStatus(`That is over ${most} characters: shorten it a little.`, "error"); return; }
  // the step it was written in, so a phone that was offline files it there when it is back
  const item = { id: newId(), kind, text, item_index: snap.clock.index };
  if (isCategorised(snap, kind)) {
    const category = $("#category").value;
    if (!category) { setSendStatus(`Choose the ${snap.script.category_label.toLowerCase()} first.`, "error"); $("#category").focus(); return; }
    item.category = category;
  }
  outbox.add(item);          // first on the phone, then to the server
  $("#text").value = "";
  $("#category").value = "";  // the next one is filed only where its writer puts it
  drawLiveNudge();
  lastNudge = null;
  setSendStatus("Sending…");
  drawStatus();
  live.redraw();
  sendItem(item);
});

function selectedKind() {
  const checked = document.querySelector('input[name="kind"]:checked');
  return checked ? checked.value : null;
}

$("#nudge-edit").addEventListener("click", () => {
  if (!lastNudge) return;
  editing = lastNudge.id;
  lastNudge = null;
  live.redraw();
});

// ---- the presenter's reflection: what its authority heard and will do

let reflectFor = null;   // "session:step" the form was filled for
let reflectDirty = false; // typed in and not yet saved: a redraw keeps it

function drawReflection(snap, item, shown) {
  $("#reflect").hidden = !shown;
  if (!shown) return;
  const key = `${item.session}:${item.key}`;
  const said = reflectionOf(snap, item.session, item.key) || { heard: "", will_do: "" };
  if (key !== reflectFor || !reflectDirty) {
    if (key !== reflectFor) { reflectDirty = false; setStatusOf("#reflect-status", ""); }
    reflectFor = key;
    // another phone of the same authority may have saved: show what is stored
    if ($("#heard").value !== said.heard) $("#heard").value = said.heard;
    if ($("#will-do").value !== said.will_do) $("#will-do").value = said.will_do;
  }
}

for (const id of ["#heard", "#will-do"]) $(id).addEventListener("input", () => { reflectDirty = true; });

$("#reflect-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const payload = { heard: $("#heard").value.trim(), will_do: $("#will-do").value.trim() };
  if (!payload.heard && !payload.will_do) { setStatusOf("#reflect-status", "Write what you heard or what you will do first.", "error"); return; }
  setStatusOf("#reflect-status", "Saving…");
  const ack = await live.send("reflect", payload);
  if (ack.ok) { reflectDirty = false; setStatusOf("#reflect-status", "Saved. The facilitator sees it now.", "ok"); }
  else setStatusOf("#reflect-status", ack.error.code === "offline" || ack.error.code === "timeout"
    ? "Not saved yet: the connection is down. Your text is kept here: save again in a moment." : ack.error.message, "error");
  live.redraw();
});

// ---- a serious concern: anyone raises one; the authority it is about answers and signs it

let concernId = null;      // kept until the server has it, so a resend is the same concern
const answers = {};        // unsaved responses, by concern id

function openConcern(open) {
  $("#concern-form").hidden = !open;
  $("#concern-open").setAttribute("aria-expanded", String(open));
  (open ? $("#concern-authority") : $("#concern-open")).focus();
}
$("#concern-open").addEventListener("click", () => openConcern($("#concern-form").hidden));
$("#concern-cancel").addEventListener("click", () => openConcern(false));

function drawConcernForm(snap, item) {
  replaceIfChanged($("#concern-authority"), snap.day.authorities.join("|"), () => [
    option("", "Choose…"), ...snap.day.authorities.map((a) => option(a, a))]);
  const select = $("#concern-authority");
  if (!select.dataset.touched && item.presenter) select.value = item.presenter;  // most often the presenter
}
$("#concern-authority").addEventListener("change", (e) => { e.target.dataset.touched = "1"; });

$("#concern-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const payload = { id: concernId || (concernId = newId()), authority: $("#concern-authority").value,
    nature: $("#concern-nature").value.trim(), seen: $("#concern-seen").value.trim(),
    immediate_action: $("#concern-action").value.trim() };
  if (!payload.authority) { setStatusOf("#concern-status", "Choose the authority it is about.", "error"); $("#concern-authority").focus(); return; }
  if (!payload.nature) { setStatusOf("#concern-status", "Say what the concern is first.", "error"); $("#concern-nature").focus(); return; }
  setStatusOf("#concern-status", "Raising…");
  const ack = await live.send("raise_concern", payload);
  if (!ack.ok) {
    setStatusOf("#concern-status", ack.error.code === "offline" || ack.error.code === "timeout"
      ? "Not raised yet: the connection is down. It is kept here: press Raise it now again in a moment." : ack.error.message, "error");
    return;
  }
  concernId = null;
  for (const id of ["#concern-nature", "#concern-seen", "#concern-action"]) $(id).value = "";
  openConcern(false);
  setStatusOf("#concern-status", "Raised. The facilitator has it now; please speak to them too.", "ok");
});

let concernsSeen = null;   // ids already announced

function drawHostConcerns(snap) {
  const list = snap.concerns || [];
  if (concernsSeen && list.some((c) => !concernsSeen.has(c.id))) {
    announce($("#announcer"), "A serious concern has been raised about your authority: it is at the top of the page.");
  }
  concernsSeen = new Set(list.map((c) => c.id));
  $("#host-concerns").hidden = !list.length;
  const key = JSON.stringify(list.map((c) => [c.id, c.host_response, c.host_signed_ms, c.facilitator_signed_ms]));
  replaceIfChanged($("#host-concern-list"), key, () => list.map((c) => hostConcern(snap, c)));
}

function hostConcern(snap, c) {
  const facts = el("dl", { class: "facts" }, concernFacts(c).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const open = !c.host_signed_ms && !c.facilitator_signed_ms;
  const area = el("textarea", { id: `answer-${c.id}`, rows: 3, maxlength: snap.script.max_concern, "data-fk": `answer-${c.id}` });
  area.value = answers[c.id] ?? c.host_response;
  area.addEventListener("input", () => { answers[c.id] = area.value; });
  const send = async (event, payload, done) => {
    const ack = await live.send(event, payload);
    setStatusOf("#host-concern-status", ack.ok ? done : ack.error.message, ack.ok ? "ok" : "error");
    if (ack.ok && event === "answer_concern") delete answers[c.id];
  };
  return el("article", { class: "concern" }, facts,
    open ? el("div", { class: "stack" },
      el("label", { for: `answer-${c.id}`, text: "Our response: the action we will take" }), area,
      el("button", { type: "button", class: "button", text: "Save our response", "data-fk": `save-${c.id}`,
        onclick: () => send("answer_concern", { id: c.id, response: area.value.trim() }, "Response saved.") })) : null,
    !c.host_signed_ms && c.host_response ? el("button", { type: "button", class: "button primary", "data-fk": `sign-${c.id}`,
      text: `Sign for ${c.authority}`, onclick: () => send("sign_concern", { id: c.id }, `Signed for ${c.authority}.`) }) : null);
}

// ---- drawing

function render(state, reason) {
  const snap = state.snap;
  if (reason === "snapshot") {
    votes = new Set(snap.me.votes);
  }
  const me = snap.me;
  const item = currentItem(snap);
  $("#text").maxLength = snap.script.max_text;
  for (const id of ["#heard", "#will-do"]) $(id).maxLength = snap.script.max_reflection;
  for (const id of ["#concern-nature", "#concern-seen", "#concern-action"]) $(id).maxLength = snap.script.max_concern;
  const part = partOf(snap);
  const ended = dayEnded(snap);
  announceClock(snap);
  document.getElementById("phone-bar").classList.toggle("paused", snap.clock.status === "paused");
  body.classList.toggle("day-ended", ended);
  $("#ended").hidden = !ended;
  setText($("#step-context"), ended ? snap.day.title : stepContext(item) || snap.day.title);
  setText($("#step-title"), ended ? "The day is over" : item.title);
  setText($("#who"), ended ? "" : whoSpeaks(item, part));
  setText($("#clock-status"), snap.clock.status === "paused" ? "paused" : snap.clock.status === "ready" ? "not started" : "");

  const balcony = !ended && onBalcony(item, part);
  $("#balcony").hidden = !balcony;
  body.classList.toggle("listening", balcony);

  const kinds = balcony ? [] : (snap.clock.open_kinds[part] || []);
  drawReflection(snap, item, !ended && item.reflection && part === "presenter");
  drawForm(snap, kinds, item);
  if (ended) $("#closed").hidden = true;  // the day's end says it all
  drawWall(snap, item, balcony || ended);
  drawConcernForm(snap, item);
  drawHostConcerns(snap);
  drawMine(snap);
  drawNudge();
  drawStatus();
}

function drawForm(snap, kinds, item) {
  $("#add").hidden = kinds.length === 0;
  $("#closed").hidden = kinds.length !== 0 || $("#balcony").hidden === false;
  if (!kinds.length) {
    setText($("#closed-text"), item.speaker === "nobody"
      ? `${item.title}: nothing to add now.`
      : "Nothing to add in this step: listen and join in the conversation.");
    return;
  }
  // a new step starts on what the step collects (its kinds come first), with no word left from the last
  if (item.index !== formStep) {
    if (formStep !== null && !$("#send-status").classList.contains("warn")) setSendStatus("");
    lastNudge = null;
  }
  if (item.index !== formStep || !kinds.includes(chosenKind)) chosenKind = kinds[0];
  formStep = item.index;
  const chooser = $("#kind-choice");
  replaceIfChanged(chooser, `${item.index}:${kinds.join("|")}`, () => [
    el("legend", { class: "sr-only", text: "What to add" }),
    ...kinds.map((k) => el("label", { class: "kind-option" },
      el("input", { type: "radio", name: "kind", value: k, checked: k === chosenKind,
        onchange: () => { chosenKind = k; drawFormFor(k); } }),
      el("span", { text: kindLabel(snap, k) }))),
  ]);
  chooser.hidden = kinds.length < 2;
  const select = $("#category");
  replaceIfChanged(select, snap.script.categories.join("|"), () => [
    option("", "Choose…", true),
    ...snap.script.categories.map((c) => option(c, c)),
  ]);
  setText($("#category-label"), snap.script.category_label);
  setText($("#add-h"), kinds.length === 1 ? `Add ${article(kindLabel(snap, kinds[0]))}` : "Add");
  drawFormFor(chosenKind);
}

function article(label) {
  const lower = label.toLowerCase();
  return (/^[aeiou]/.test(lower) ? "an " : "a ") + lower;
}

function drawFormFor(kind) {
  const snap = live.state.snap;
  if (!snap || !kind) return;
  const k = snap.script.kinds[kind];
  $("#category-row").hidden = !k.categorised;
  setText($("#hint"), k.hint || "");
  setText($("#text-label"), k.categorised ? "What you see" : "In your words");
  setText($("#send"), `Send ${k.label.toLowerCase()}`);
  drawLiveNudge();
}

// The server's closed-question rule (sent in the snapshot), run as the person types: the nudge
// comes before the question reaches the projector. The server still checks it after sending.
function closedQuestion(snap, kind, text) {
  const rule = snap.script.closed_question;
  if (!rule || !snap.script.kinds[kind] || !snap.script.kinds[kind].open_question_nudge) return false;
  const words = rule.openers.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^(${words.join("|")})\\b`, "i").test(text.trim());
}

function drawLiveNudge() {
  const snap = live.state.snap;
  const node = $("#live-nudge");
  const on = !!snap && closedQuestion(snap, selectedKind(), $("#text").value);
  node.hidden = !on;
  setText(node, on ? snap.script.closed_question.advice : "");
}
$("#text").addEventListener("input", drawLiveNudge);

// Say what a glance at the bar would tell: a new step, a pause, a restart, more time.
function announceClock(snap) {
  announce($("#announcer"), clockNews(snap));
}

function drawNudge() {
  $("#nudge").hidden = !lastNudge;
  if (lastNudge) setText($("#nudge-text"), lastNudge.text);
}

function drawWall(snap, item, balcony) {
  const sec = $("#wall-sec");
  if (item.session === null || balcony) { sec.hidden = true; return; }
  const { queued, rest } = questionsInOrder(snap, item.session);
  sec.hidden = !item.turns && queued.length + rest.length === 0;
  const list = [...queued, ...rest];
  const key = JSON.stringify(list.map((c) => [c.id, c.text, c.votes, c.asked_ms, votes.has(c.id)]));
  replaceIfChanged($("#wall"), key, () => list.length
    ? list.map((c) => wallItem(c))
    : [el("li", { class: "empty", text: "No questions yet." })]);
}

function wallItem(c) {
  const on = votes.has(c.id);
  return el("li", { class: c.asked_ms ? "asked" : "" },
    el("span", { class: "wall-text", text: c.text }),
    el("span", { class: "wall-meta" },
      c.asked_ms ? el("span", { class: "badge", text: "asked" }) : null,
      // the name is what it shows ("3 votes"); pressed says whether one of them is yours
      el("button", {
        type: "button", class: `vote${on ? " on" : ""}`, "aria-pressed": String(on), "aria-describedby": "wall-help",
        onclick: () => toggleVote(c.id, !on),
      }, voteText(c.votes || 0))));
}

async function toggleVote(id, on) {
  const ack = await live.send("vote", { id, on });
  if (ack.ok) { if (on) votes.add(id); else votes.delete(id); }
  else setSendStatus(ack.error.message, "error");
  live.redraw();
}

function drawMine(snap) {
  const map = new Map(snap.contributions.map((c) => [c.id, c]));
  const ids = new Set([...snap.me.mine, ...acked]);
  const rows = [];
  for (const item of outbox.all()) {
    rows.push({ id: item.id, kind: item.kind, category: item.category, text: item.text,
      stuck: Boolean(item.stuck), status: item.stuck ? "not sent" : "waiting to send", cls: "waiting" });
  }
  for (const id of ids) {
    const c = map.get(id);
    if (c && c.removed) {
      rows.push({ id, text: "Removed by the facilitator: it held details that could identify a child or a family.",
        status: "removed", cls: "hidden-item" });
      continue;
    }
    if (!c || !c.kind || outbox.has(id)) continue;
    let status = "on the wall", cls = "";
    if (c.held) { status = `held for the facilitator: it seems to hold ${heldWhy(c)}`; cls = "held-item"; }
    else if (c.hidden) { status = "hidden by the facilitator"; cls = "hidden-item"; }
    else if (c.merged_into) status = "merged with a similar one";
    else if (c.asked_ms) status = "asked";
    rows.push({ ...c, status, cls, mine: true });
  }
  rows.sort((a, b) => (b.created_ms || Infinity) - (a.created_ms || Infinity));
  const key = JSON.stringify([editing, rows.map((r) => [r.id, r.text, r.status, r.category, r.votes])]);
  replaceIfChanged($("#mine"), key, () => rows.length
    ? rows.map((r) => mineItem(snap, r))
    : [el("li", { class: "empty", text: "Nothing yet. What you add appears here." })]);
  if (editing) { const t = document.querySelector("#mine textarea"); if (t && document.activeElement !== t) t.focus(); }
}

function mineItem(snap, r) {
  const head = el("p", { class: "mine-head" },
    r.kind ? el("span", { class: "badge kind", text: kindLabel(snap, r.kind) }) : null,
    r.category ? el("span", { class: "badge cat", text: r.category }) : null,
    el("span", { class: `status ${r.cls}`, text: r.status }));
  if (editing === r.id) {
    const area = el("textarea", { rows: 3, maxlength: snap.script.max_text, "aria-label": "Edit your contribution" });
    area.value = r.text;
    let select = null;
    if (isCategorised(snap, r.kind)) {
      select = el("select", { "aria-label": snap.script.category_label },
        snap.script.categories.map((c) => option(c, c, c === r.category)));
    }
    const save = async () => {
      const payload = { id: r.id, text: area.value.trim() };
      if (select) payload.category = select.value;
      const ack = await live.send("edit", payload);
      if (ack.ok) { editing = null; setSendStatus("Edited.", "ok"); }
      else setSendStatus(ack.error.message, "error");
      live.redraw();
    };
    return el("li", { class: "editing" }, head, select, area,
      el("div", { class: "row" },
        el("button", { type: "button", class: "button primary", text: "Save", onclick: save }),
        el("button", { type: "button", class: "button", text: "Cancel", onclick: () => { editing = null; live.redraw(); } })));
  }
  if (r.stuck) {
    return el("li", { class: r.cls }, head, el("p", { class: "mine-text", text: r.text }),
      el("button", { type: "button", class: "button", text: "Try again",
        "aria-label": "Try again to send this", onclick: () => tryAgain(r.id) }));
  }
  const canEdit = r.mine && (visible(r) || (r.held && !r.hidden && !r.merged_into)) && !dayEnded(snap);
  return el("li", { class: r.cls }, head, el("p", { class: "mine-text", text: r.text }),
    canEdit ? el("button", { type: "button", class: "link-button", text: "Edit",
      "aria-label": "Edit this contribution",
      onclick: () => { editing = r.id; live.redraw(); } }) : null);
}
