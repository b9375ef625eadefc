// The facilitator's console: agenda, timer and its keys, the live feed with moderation, a filter
// and the spotlight, a live preview of the projector, the question queue, joining details and
// links, a note form, the chime and a screen-reader announcer.
import { connectLive, runCountdown, crossingWatcher, clockNews as makeClockNews, currentItem, stepContext, whoSpeaks, clockTime,
  minutesText, lateText, liveSchedule, kindLabel, kindPlural, isQueueKind, isCategorised, questionsInOrder, visible,
  byId, dayEnded, reflectionOf, concernFacts, heldWhy } from "./live.js";
import { el, $, setText, replaceIfChanged, option, showStatus } from "./dom.js";
import { badges, groupByKind, turnText } from "./cards.js";
import { chime, muteToggle, unlockAudioOnGesture } from "./chime.js";
import { newId } from "./ids.js";
import { screenSkeleton, drawScreen, spotlit } from "./wall.js";
import { singleKeys, copyButtons } from "./keys.js";

const dayId = document.body.dataset.day;
let scope = "now";          // the feed: this session or the whole day
let editing = null;         // id being edited
let merging = null;         // id being merged
let removing = null;        // held id whose removal is being confirmed
const drafts = {};          // unsaved edits, kept across redraws
const clockNews = makeClockNews();
const filter = { kind: "", words: "" };
// A full day holds hundreds of contributions: each kind's newest (or, for questions, the queue's
// first) are drawn, and the rest on asking, so the console is quick to open and to redraw.
const FEED_SHOWN = 20;
const QUEUE_SHOWN = 10;
const expanded = new Set();  // kinds whose whole list was asked for

const live = connectLive({ day: dayId, role: "facilitator", render, onStatus: (s) => showStatus($("#conn"), s) });
unlockAudioOnGesture();
const isMuted = muteToggle($("#chime-toggle"), "facilitator:chime-muted");

const watch = crossingWatcher({
  onMinute: () => announce("1 minute left."),
  onZero: (snap) => {
    announce(`Time is up for ${currentItem(snap).title}.`);
    if (!isMuted()) chime();
  },
});
runCountdown(live, $("#countdown"), (ms, snap) => {
  watch(ms, snap);
  drawSchedule();
});

// A small live copy of the projector: the same drawing, at a sixth of the size.
const preview = screenSkeleton(document.body.dataset.joinUrl.split("/join/")[1] || "", document.body.dataset.joinUrl);
preview.classList.add("preview-screen");
$("#preview").append(preview);
runCountdown(live, preview.querySelector(".proj-countdown"));
new ResizeObserver(([entry]) => {
  preview.style.transform = `scale(${entry.contentRect.width / 1920})`;
}).observe($("#preview"));

live.socket.on("participants", (msg) => {
  if (!live.state.snap) return;
  live.state.snap.participants = msg.participants;
  live.redraw();
});

function announce(text) {
  const node = $("#announcer");
  node.textContent = "";
  setTimeout(() => { node.textContent = text; }, 50);
}

// ---- the timer

async function timer(action, minutes) {
  const payload = minutes ? { action, minutes } : { action };
  const ack = await live.send("timer", payload);
  const err = $("#timer-error");
  err.hidden = ack.ok;
  if (!ack.ok) setText(err, ack.error.message);
}

function toggle() {
  const status = live.state.snap && live.state.snap.clock.status;
  if (status === "ready") timer("start");
  else if (status === "running") timer("pause");
  else if (status === "paused") timer("resume");
}

$("#btn-toggle").addEventListener("click", toggle);
$("#btn-plus1").addEventListener("click", () => timer("extend", 1));
$("#btn-plus5").addEventListener("click", () => timer("extend", 5));
$("#btn-next").addEventListener("click", () => timer("next"));
$("#btn-back").addEventListener("click", () => timer("back"));

singleKeys({ " ": toggle, n: () => timer("next"), b: () => timer("back"),
  "1": () => timer("extend", 1), "5": () => timer("extend", 5) }, $("#shortcuts-toggle"), $("#shortcut-keys"));
copyButtons($("#copy-status"));

// ---- drawing

function render(state, reason) {
  const snap = state.snap;
  const item = currentItem(snap);
  const c = snap.clock;
  setText($("#step-context"), stepContext(item) || (item.session === null ? "Whole group" : ""));
  setText($("#step-title"), item.title);
  setText($("#who"), whoSpeaks(item));
  const statusText = { ready: "Ready to start", running: `Running · due to end at ${clockTime(c.deadline_ms)}`, paused: "Paused",
    ended: `Ended at ${clockTime(c.ended_ms)}` }[c.status];
  setText($("#clock-status"), statusText);
  $("#clock-status").className = `clock-status status-${c.status}`;
  setText($("#btn-toggle"), { ready: "Start", running: "Pause", paused: "Resume", ended: "Ended" }[c.status]);
  const ended = dayEnded(snap);
  $("#btn-back").disabled = ended || c.index === 0;
  $("#btn-next").disabled = ended || c.index >= snap.agenda.length - 1;
  for (const id of ["#btn-toggle", "#btn-plus1", "#btn-plus5"]) $(id).disabled = ended;
  drawEndDay(snap);
  drawReflections(snap);
  drawConcerns(snap, reason);
  setText($("#participants"), `${snap.participants.length} joined`);
  announceClock(snap);
  drawSchedule();
  drawHeld(snap);
  drawFeed(snap, item);
  drawQueue(snap, item);
  drawAddForm(snap);
  drawPreview(snap);
}

// ---- ending the day: once, after the learning points, with a word of confirmation

function drawEndDay(snap) {
  const ended = dayEnded(snap);
  $("#end-day").hidden = ended;
  $("#btn-end").hidden = ended;
  $("#ended-note").hidden = !ended;
  if (ended) {
    setText($("#ended-note"), `The day ended at ${clockTime(snap.clock.ended_ms)}. The timer is stopped and phones can add nothing more. ` +
      "The write-up is under After the session.");
    return;
  }
  const left = snap.agenda.length - 1 - snap.clock.index;
  setText($("#end-confirm-text"), (left > 0
    ? `${left} ${left === 1 ? "step is" : "steps are"} still to come on the agenda. `
    : "The learning points are the last step of the day. ")
    + "The timer stops, phones can add nothing more, and the phones and the projector say the day is over. This cannot be undone.");
}

function askToEnd(open) {
  $("#end-confirm").hidden = !open;
  $("#btn-end").setAttribute("aria-expanded", String(open));
  (open ? $("#btn-end-no") : $("#btn-end")).focus();
}

$("#btn-end").addEventListener("click", () => askToEnd($("#end-confirm").hidden));
$("#btn-end-no").addEventListener("click", () => askToEnd(false));
$("#btn-end-yes").addEventListener("click", async () => {
  const ack = await live.send("end_day", { confirm: true });
  const err = $("#timer-error");
  err.hidden = ack.ok;
  if (!ack.ok) { setText(err, ack.error.message); return; }
  $("#end-confirm").hidden = true;
  announce("The day has ended.");
});

// ---- each presenting authority's reflection, written here on its behalf when need be

const reflectDrafts = {};  // unsaved text by session, kept across redraws

function drawReflections(snap) {
  const steps = snap.agenda.filter((i) => i.reflection);
  const key = JSON.stringify([steps.map((i) => i.index), snap.reflections, snap.clock.index]);
  replaceIfChanged($("#reflections"), key, () => steps.length ? steps.map((i) => reflectionForm(snap, i))
    : [el("p", { class: "muted", text: "This day's script has no reflection step." })]);
}

function reflectionForm(snap, item) {
  const said = reflectionOf(snap, item.session, item.key) || { heard: "", will_do: "" };
  const draft = reflectDrafts[item.session] || {};
  const id = (field) => `reflect-${item.session}-${field}`;
  const area = (field, label) => {
    const t = el("textarea", { id: id(field), rows: 2, maxlength: snap.script.max_reflection, "data-fk": id(field) });
    t.value = draft[field] ?? said[field];
    t.addEventListener("input", () => { (reflectDrafts[item.session] ||= {})[field] = t.value; });
    return [el("label", { for: id(field), text: label }), t];
  };
  const save = async () => {
    const payload = { session: item.session, heard: $(`#${id("heard")}`).value.trim(), will_do: $(`#${id("will_do")}`).value.trim() };
    const ack = await live.send("reflect", payload);
    if (ack.ok) delete reflectDrafts[item.session];
    const status = $("#reflect-status");
    setText(status, ack.ok ? `Saved for ${item.presenter}.` : ack.error.message);
    status.className = `send-status ${ack.ok ? "ok" : "error"}`;
  };
  const current = item.index === snap.clock.index;
  return el("div", { class: `reflect-session${current ? " current" : ""}` },
    el("h3", { text: `Session ${item.session + 1}: ${item.presenter}` },
      said.by ? el("span", { class: "muted small", text: said.by === "presenter" ? " · from its phones" : " · written here" }) : null),
    ...area("heard", "What they heard"), ...area("will_do", "What they will do"),
    el("button", { type: "button", class: "button small", text: "Save", "data-fk": id("save"),
      "aria-label": `Save ${item.presenter}'s reflection`, onclick: save }));
}

// ---- serious concerns: heard at once, recorded with the host's response, signed here

const concernAnswers = {};  // unsaved responses, by concern id
let concernsSeen = null;    // ids already announced

function drawConcerns(snap, reason) {
  const list = snap.concerns || [];
  const fresh = concernsSeen ? list.filter((c) => !concernsSeen.has(c.id)) : [];
  concernsSeen = new Set(list.map((c) => c.id));
  for (const c of fresh) {
    announce(`A serious concern has been raised about ${c.authority}.`);
    if (!isMuted()) chime();
  }
  $("#concerns-panel").hidden = !list.length;  // on top of the side, and only when there is one
  $("#concerns-panel").classList.toggle("has-open", list.some((c) => !c.signed));
  const key = JSON.stringify(list.map((c) => [c.id, c.host_response, c.host_signed_ms, c.facilitator_signed_ms]));
  replaceIfChanged($("#concerns"), key, () => list.map((c) => concernRecord(snap, c)));
}

function concernRecord(snap, c) {
  const open = !c.host_signed_ms && !c.facilitator_signed_ms;
  const area = el("textarea", { id: `concern-answer-${c.id}`, rows: 2, maxlength: snap.script.max_concern, "data-fk": `concern-answer-${c.id}` });
  area.value = concernAnswers[c.id] ?? c.host_response;
  area.addEventListener("input", () => { concernAnswers[c.id] = area.value; });
  const send = async (event, payload, done) => {
    const ack = await live.send(event, payload);
    const status = $("#concern-status");
    setText(status, ack.ok ? done : ack.error.message);
    status.className = `send-status ${ack.ok ? "ok" : "error"}`;
    if (ack.ok && event === "answer_concern") delete concernAnswers[c.id];
  };
  return el("article", { class: `concern${c.signed ? " signed" : ""}`, "data-id": c.id },
    el("h3", { text: `About ${c.authority} · ${c.signed ? "signed by both" : "to be signed"}` }),
    el("dl", { class: "facts" }, concernFacts(c).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])),
    open ? el("div", { class: "stack" },
      el("label", { for: `concern-answer-${c.id}`, text: `${c.authority}'s response, as agreed with them` }), area,
      el("button", { type: "button", class: "button small", text: "Save the response", "data-fk": `concern-save-${c.id}`,
        onclick: () => send("answer_concern", { id: c.id, response: area.value.trim() }, "Response saved.") })) : null,
    !c.facilitator_signed_ms && c.host_response ? el("button", { type: "button", class: "button small primary",
      text: "Sign as the facilitator", "data-fk": `concern-sign-${c.id}`,
      onclick: () => send("sign_concern", { id: c.id }, "Signed as the facilitator.") }) : null);
}

// ---- what the projector shows, and the spotlight

let previewDrawn = false;

function drawPreview(snap) {
  if (previewDrawn) drawScreen(preview, snap);
  else {
    // The first time, once the console itself is on the screen: of all its parts, the small copy
    // of the projector is the one not needed in the first moment, and the costliest to fit.
    previewDrawn = true;
    requestAnimationFrame(() => setTimeout(() => drawScreen(preview, live.state.snap)));
  }
  const c = spotlit(snap);
  $("#spotlight-off").hidden = !c;
  setText($("#spotlight-status"), c ? `In the spotlight: “${truncate(c.text, 80)}”` : "");
}

async function spotlight(id) {
  const ack = await live.send("spotlight", { id });
  if (!ack.ok) alertFeed(ack.error.message);
  else announce(id ? "Spotlight on the projector." : "Spotlight taken down.");
}
$("#spotlight-off").addEventListener("click", () => spotlight(null));

function announceClock(snap) {
  const text = clockNews(snap);
  if (text) announce(text);
}

function drawSchedule() {
  const snap = live.state.snap;
  if (!snap) return;
  const sched = liveSchedule(live.state);
  const late = lateText(sched.lateMs);
  const lateNode = $("#late");
  setText(lateNode, late.text);
  lateNode.className = `late-line ${late.cls}`;
  setText($("#day-end"), `Projected end ${clockTime(sched.endMs)} · planned ${clockTime(sched.plannedEndMs)}`);
  drawAgenda(snap, sched);
}

function drawAgenda(snap, sched) {
  const c = snap.clock;
  const key = JSON.stringify([c.index, c.status, sched.starts.map((s) => clockTime(s)), c.items.map((i) => !!i.ended_ms)]);
  replaceIfChanged($("#agenda"), key, () => {
    const out = [];
    let group = null;
    snap.agenda.forEach((item, i) => {
      const li = agendaItem(snap, item, i, sched.starts[i]);
      if (item.session === null) { group = null; out.push(li); return; }
      if (!group || group.session !== item.session) {
        const list = el("ol", { class: "agenda-steps" });
        group = { session: item.session, list };
        out.push(el("li", { class: `agenda-session${item.session === currentItem(snap).session ? " current-session" : ""}` },
          el("p", { class: "agenda-session-title", text: `Session ${item.session + 1} · ${item.presenter} presents` }), list));
      }
      group.list.append(li);
    });
    return out;
  });
}

function agendaItem(snap, item, i, start) {
  const c = snap.clock;
  const done = i < c.index || (c.items[i].ended_ms && i !== c.index);
  const current = i === c.index;
  return el("li", { class: `agenda-item${done ? " done" : ""}${current ? " current" : ""}`, "aria-current": current ? "step" : null },
    el("span", { class: "agenda-time", text: clockTime(start) }),
    el("span", { class: "agenda-title", text: item.title }),
    el("span", { class: "agenda-mins", text: minutesText(item.minutes) }),
    done ? el("span", { class: "agenda-done", text: "done" }) : null);
}

// ---- the feed

$("#scope-now").addEventListener("click", () => setScope("now"));
$("#scope-day").addEventListener("click", () => setScope("day"));
function setScope(s) {
  scope = s;
  $("#scope-now").setAttribute("aria-pressed", String(s === "now"));
  $("#scope-day").setAttribute("aria-pressed", String(s === "day"));
  live.redraw();
}

function inScope(snap, item, c) {
  if (scope === "day") return true;
  return item.session !== null ? c.session === item.session : c.item_index === item.index;
}

$("#feed-kind").addEventListener("change", (e) => { filter.kind = e.target.value; live.redraw(); });
$("#feed-search").addEventListener("input", (e) => { filter.words = e.target.value.trim().toLowerCase(); live.redraw(); });

function matches(c) {
  if (filter.kind && c.kind !== filter.kind) return false;
  if (!filter.words) return true;
  return [c.text, c.author_authority, c.category, c.origin].join(" ").toLowerCase().includes(filter.words);
}

// What the current step collects comes first, in the step's order; then the other kinds.
function stepFirst(groups, item) {
  const rank = (kind) => { const i = item.collects.indexOf(kind); return i === -1 ? 1e3 : i; };
  return [...groups].sort((a, b) => rank(a[0]) - rank(b[0]));
}

function drawFeed(snap, item) {
  replaceIfChanged($("#feed-kind"), Object.keys(snap.script.kinds).join("|"), () =>
    [option("", "All kinds", !filter.kind), ...Object.keys(snap.script.kinds).map((k) => option(k, kindPlural(snap, k), k === filter.kind))]);
  const all = snap.contributions.filter((c) => c.kind && !c.held && inScope(snap, item, c));
  const list = all.filter(matches);
  setText($("#feed-count"), filter.kind || filter.words ? `Showing ${list.length} of ${all.length}` : "");
  const queueOrder = new Map((snap.queue.ids || []).map((id, i) => [id, i]));
  const key = JSON.stringify([scope, editing, merging, item.index, snap.spotlight, [...expanded], list.map((c) => [c.id, c.updated_ms, c.votes, c.hidden, c.kind, queueOrder.get(c.id)])]);
  replaceIfChanged($("#feed"), key, () => {
    const map = byId(snap);
    const groups = stepFirst(groupByKind(snap, list), item);
    if (!groups.length) {
      return [el("p", { class: "muted empty", text: all.length ? "Nothing matches the filter." : "Nothing yet. Contributions appear here as they are sent." })];
    }
    return groups.map(([kind, items]) => {
      const sorted = [...items].sort((a, b) => {
        if (isQueueKind(snap, kind)) {
          const qa = queueOrder.has(a.id) ? queueOrder.get(a.id) : 1e9, qb = queueOrder.has(b.id) ? queueOrder.get(b.id) : 1e9;
          if (qa !== qb) return qa - qb;
        }
        return b.created_ms - a.created_ms;
      });
      const shown = expanded.has(kind) ? sorted : sorted.slice(0, FEED_SHOWN);
      return el("section", { class: "feed-group" },
        el("h3", {}, kindLabel(snap, kind), el("span", { class: "count", text: ` ${items.filter(visible).length}` })),
        el("ul", { class: "feed-list" }, shown.map((c) => feedItem(snap, c, map))),
        shown.length < sorted.length ? el("button", { type: "button", class: "link-button feed-more",
          "data-fk": `more:${kind}`, text: `Show all ${sorted.length} ${kindPlural(snap, kind).toLowerCase()}`,
          onclick: () => { expanded.add(kind); redrawFocusing(`${sorted[shown.length].id}:hide`, `${sorted[shown.length].id}:show`); } }) : null);
    });
  });
}

async function moderate(payload) {
  const ack = await live.send("moderate", payload);
  if (!ack.ok) alertFeed(ack.error.message);
  return ack;
}

function alertFeed(message) {
  const err = $("#timer-error");
  err.hidden = false;
  setText(err, message);
}

function feedItem(snap, c, map) {
  const cls = ["feed-item", c.hidden ? "is-hidden" : "", c.merged_into ? "is-merged" : "", c.starred ? "is-starred" : ""].join(" ");
  const actions = [];
  // a button keeps the keyboard focus when it turns into its opposite (Hide -> Show)
  const act = (label, payload, extra = {}) => el("button", {
    type: "button", class: "link-button", text: label, "data-fk": `${c.id}:${{ show: "hide", unstar: "star", unasked: "asked" }[payload.action] || payload.action}`,
    onclick: () => moderate({ id: c.id, ...payload }), ...extra });
  actions.push(c.hidden ? act("Show", { action: "show" }) : act("Hide", { action: "hide" }));
  if (visible(c)) {
    const on = snap.spotlight === c.id;
    actions.push(el("button", { type: "button", class: "link-button", text: on ? "Take down" : "Spotlight",
      "data-fk": `${c.id}:spotlight`, "aria-pressed": String(on), title: "Show it full screen on the projector",
      onclick: () => spotlight(on ? null : c.id) }));
  }
  actions.push(el("button", { type: "button", class: "link-button", text: "Edit", "data-fk": `${c.id}:edit`,
    onclick: () => { editing = c.id; merging = null; redrawFocusing(`${c.id}:text`); } }));
  if (!c.merged_into) actions.push(el("button", { type: "button", class: "link-button", text: "Merge into…", "data-fk": `${c.id}:merge`,
    onclick: () => { merging = c.id; editing = null; redrawFocusing(`${c.id}:into`, `${c.id}:close`); } }));
  if (isQueueKind(snap, c.kind)) actions.push(c.asked_ms ? act("Mark unasked", { action: "unasked" }) : act("Mark asked", { action: "asked" }));
  else if (!isCategorised(snap, c.kind)) actions.push(c.starred ? act("Unstar", { action: "unstar" }) : act("Star", { action: "star", }, { title: "A case-study candidate" }));

  const li = el("li", { class: cls, "data-id": c.id },
    el("p", { class: "feed-text", text: c.text }),
    el("div", { class: "feed-row" }, el("p", { class: "feed-meta" }, badges(snap, c),
      c.hidden ? el("span", { class: "badge hidden-badge", text: "hidden" }) : null,
      c.merged_into ? el("span", { class: "badge", text: `merged into “${truncate((map.get(c.merged_into) || {}).text || "another", 40)}”` }) : null),
    el("p", { class: "feed-actions" }, actions)));
  if (editing === c.id) li.append(editForm(snap, c));
  if (merging === c.id) li.append(mergeForm(snap, c));
  return li;
}

// ---- held for a child's details: shown here alone until released, or removed for good

let heldSeen = null;  // ids already announced

function drawHeld(snap) {
  const list = snap.contributions.filter((c) => c.kind && c.held);
  const fresh = heldSeen ? list.filter((c) => !heldSeen.has(c.id)) : [];
  heldSeen = new Set(list.map((c) => c.id));
  for (const c of fresh) announce(`A contribution is held for you to check: it seems to hold ${heldWhy(c)}.`);
  $("#held-panel").hidden = !list.length;
  const key = JSON.stringify([editing, removing, list.map((c) => [c.id, c.updated_ms, c.text, c.kind, c.category])]);
  replaceIfChanged($("#held"), key, () => list.map((c) => heldItem(snap, c)));
}

function heldItem(snap, c) {
  const button = (text, key, onclick, extra = {}) => el("button", { type: "button", class: "link-button", text, "data-fk": `${c.id}:${key}`, onclick, ...extra });
  const actions = removing === c.id
    ? [el("span", { class: "confirm-text", text: "Remove it for good? Its words are wiped. " }),
       el("button", { type: "button", class: "button small danger", text: "Remove for good", "data-fk": `${c.id}:remove-now`,
         onclick: async () => { const ack = await moderate({ id: c.id, action: "remove" }); if (ack.ok) { removing = null; announce("Removed."); } } }),
       button("Keep it", "keep", () => { removing = null; redrawFocusing(`${c.id}:remove`); })]
    : [button("Release to the room", "release", async () => { const ack = await moderate({ id: c.id, action: "release" }); if (ack.ok) announce("Released to the room."); },
        { title: "Everyone sees it from now on" }),
       button("Edit", "edit", () => { editing = c.id; removing = null; redrawFocusing(`${c.id}:text`); }),
       button("Remove…", "remove", () => { removing = c.id; editing = null; redrawFocusing(`${c.id}:remove-now`); })];
  const li = el("li", { class: "feed-item is-held", "data-id": c.id },
    el("p", { class: "feed-text", text: c.text }),
    el("div", { class: "feed-row" },
      el("p", { class: "feed-meta" }, badges(snap, c), el("span", { class: "badge held-badge", text: `seems to hold ${heldWhy(c)}` })),
      el("p", { class: "feed-actions" }, actions)));
  if (editing === c.id) li.append(editForm(snap, c));
  return li;
}

// Redraw, then put the keyboard focus on the first of these controls that is there: opening a
// form goes into it, closing it comes back to the button that opened it.
function redrawFocusing(...keys) {
  live.redraw();
  queueMicrotask(() => {
    for (const key of keys) {
      const node = document.querySelector(`[data-fk="${CSS.escape(key)}"]`);
      if (node) { node.focus(); return; }
    }
  });
}

function truncate(s, n) { return s.length > n ? `${s.slice(0, n - 1)}…` : s; }

function editForm(snap, c) {
  const draft = drafts[c.id] || (drafts[c.id] = { text: c.text, kind: c.kind, category: c.category || "" });
  const text = el("textarea", { rows: 3, maxlength: snap.script.max_text, "aria-label": "Text", "data-fk": `${c.id}:text` });
  text.value = draft.text;
  text.addEventListener("input", () => { draft.text = text.value; });
  const kind = el("select", { "aria-label": "Kind", "data-fk": `${c.id}:kind` },
    Object.keys(snap.script.kinds).map((k) => option(k, kindLabel(snap, k), k === draft.kind)));
  const category = el("select", { "aria-label": snap.script.category_label, "data-fk": `${c.id}:cat` },
    option("", "Choose…", !draft.category), snap.script.categories.map((x) => option(x, x, x === draft.category)));
  const catRow = el("label", { class: "inline-field" }, `${snap.script.category_label} `, category);
  catRow.hidden = !isCategorised(snap, draft.kind);
  kind.addEventListener("change", () => { draft.kind = kind.value; catRow.hidden = !isCategorised(snap, kind.value); });
  category.addEventListener("change", () => { draft.category = category.value; });
  const save = async () => {
    const payload = { id: c.id, action: "edit", text: draft.text.trim(), kind: draft.kind };
    if (isCategorised(snap, draft.kind)) payload.category = draft.category;
    const ack = await moderate(payload);
    if (ack.ok) { editing = null; delete drafts[c.id]; redrawFocusing(`${c.id}:edit`); }
  };
  return el("div", { class: "inline-form" }, text,
    el("div", { class: "row" }, el("label", { class: "inline-field" }, "Kind ", kind), catRow),
    el("div", { class: "row" },
      el("button", { type: "button", class: "button primary small", text: "Save", onclick: save }),
      el("button", { type: "button", class: "button small", text: "Cancel", onclick: () => { editing = null; delete drafts[c.id]; redrawFocusing(`${c.id}:edit`); } })));
}

function mergeForm(snap, c) {
  const targets = snap.contributions.filter((x) => x.kind === c.kind && x.id !== c.id && !x.merged_into && !x.hidden);
  if (!targets.length) {
    return el("div", { class: "inline-form" }, el("p", { class: "muted", text: `No other ${kindLabel(snap, c.kind).toLowerCase()} to merge into.` }),
      el("button", { type: "button", class: "button small", text: "Close", "data-fk": `${c.id}:close`, onclick: () => { merging = null; redrawFocusing(`${c.id}:merge`); } }));
  }
  const select = el("select", { "aria-label": "Merge into", "data-fk": `${c.id}:into` },
    targets.map((t) => option(t.id, truncate(t.text, 70))));
  return el("div", { class: "inline-form" },
    el("label", { class: "inline-field" }, "Merge into ", select),
    el("div", { class: "row" },
      el("button", { type: "button", class: "button primary small", text: "Merge", onclick: async () => {
        const ack = await moderate({ id: c.id, action: "merge", into: select.value });
        if (ack.ok) { merging = null; redrawFocusing(`${c.id}:merge`, `${c.id}:hide`); }
      } }),
      el("button", { type: "button", class: "button small", text: "Cancel", onclick: () => { merging = null; redrawFocusing(`${c.id}:merge`); } })));
}

// ---- the queue

function drawQueue(snap, item) {
  const node = $("#queue");
  if (item.session === null) {
    replaceIfChanged(node, "none", () => [el("p", { class: "muted", text: "No session is on." })]);
    return;
  }
  const { queued } = questionsInOrder(snap, item.session);
  const key = JSON.stringify([snap.queue.turn, queued.map((c) => [c.id, c.text, c.votes, c.author_authority])]);
  replaceIfChanged(node, key, () => {
    if (!queued.length) return [el("p", { class: "muted", text: "No questions waiting." })];
    const [next, ...rest] = queued;
    return [
      el("p", { class: "turn", text: turnText(snap.queue) }),
      el("div", { class: "queue-next" },
        el("p", { class: "queue-label", text: "Next question" }),
        el("p", { class: "queue-text", text: next.text }),
        el("p", { class: "feed-meta" }, badges(snap, next, { kind: false, origin: false }),
          el("button", { type: "button", class: "button small", text: "Mark asked", "data-fk": "queue-asked",
            onclick: () => moderate({ id: next.id, action: "asked" }) }))),
      rest.length ? el("ol", { class: "queue-rest" }, rest.slice(0, QUEUE_SHOWN).map((c) => el("li", {},
        el("span", { text: c.text }), " ", el("span", { class: "badge authority", text: c.author_authority || "observer" })))) : null,
      rest.length > QUEUE_SHOWN ? el("p", { class: "muted", text: `+${rest.length - QUEUE_SHOWN} more waiting: all are in the feed, in this order.` }) : null,
    ];
  });
}

// ---- the facilitator's own notes

function drawAddForm(snap) {
  $("#fadd-text").maxLength = snap.script.max_text;
  replaceIfChanged($("#fadd-kind"), Object.keys(snap.script.kinds).join("|"), () =>
    Object.keys(snap.script.kinds).map((k) => option(k, kindLabel(snap, k))));
  replaceIfChanged($("#fadd-authority"), snap.day.authorities.join("|"), () =>
    [option("", "None (the group)"), ...snap.day.authorities.map((a) => option(a, a))]);
  replaceIfChanged($("#fadd-category"), snap.script.categories.join("|"), () =>
    [option("", "Choose…"), ...snap.script.categories.map((c) => option(c, c))]);
  setText($("#fadd-category-label"), snap.script.category_label);
  const kindSelect = $("#fadd-kind");
  // default the kind to what the current step collects, until the facilitator picks one
  if (!kindSelect.dataset.touched) {
    const item = currentItem(snap);
    if (item.collects.length) kindSelect.value = item.collects[0];
  }
  $("#fadd-category-row").hidden = !isCategorised(snap, kindSelect.value);
}

$("#fadd-kind").addEventListener("change", (e) => { e.target.dataset.touched = "1"; live.redraw(); });

$("#fadd").addEventListener("submit", async (e) => {
  e.preventDefault();
  const snap = live.state.snap;
  const payload = { id: newId(), kind: $("#fadd-kind").value, text: $("#fadd-text").value.trim() };
  const authority = $("#fadd-authority").value;
  if (authority) payload.authority = authority;
  if (isCategorised(snap, payload.kind)) payload.category = $("#fadd-category").value;
  const status = $("#fadd-status");
  if (!payload.text) { setText(status, "Write something first."); status.className = "send-status error"; return; }
  const ack = await live.send("contribute", payload);
  if (ack.ok) { $("#fadd-text").value = ""; setText(status, "Added."); status.className = "send-status ok"; }
  else { setText(status, ack.error.message); status.className = "send-status error"; }
});
