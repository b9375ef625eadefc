// The room's screen: the step, who speaks, a huge countdown, the prompts, joining, the live wall.
import { connectLive, runCountdown, crossingWatcher, currentItem, stepContext, whoSpeaks, kindLabel,
  isQueueKind, isCategorised, questionsInOrder, visible } from "./live.js";
import { el, $, setText, replaceIfChanged, paragraphs, showStatus, plural } from "./dom.js";
import { badges, turnText } from "./cards.js";
import { chime, muteToggle, unlockAudioOnGesture } from "./chime.js";

const dayId = document.body.dataset.day;
const params = new URLSearchParams(location.search);
const live = connectLive({ day: dayId, role: "projector", render, onStatus: (s) => showStatus($("#conn"), s) });
unlockAudioOnGesture();
const isMuted = muteToggle($("#chime-toggle"), "facilitator:projector-chime-muted",
  params.has("mute") ? params.get("mute") === "1" : null);
const watch = crossingWatcher({ onZero: () => { if (!isMuted()) chime(); } });
runCountdown(live, $("#countdown"), watch);

function render(state) {
  const snap = state.snap;
  const item = currentItem(snap);
  setText($("#step-context"), stepContext(item) || snap.day.title);
  setText($("#step-title"), item.title);
  setText($("#who"), whoSpeaks(item));
  setText($("#clock-status"), { ready: "Not started yet", running: "", paused: "Paused" }[snap.clock.status]);
  drawPrompts(item);
  drawWall(snap, item);
}

function drawPrompts(item) {
  replaceIfChanged($("#prompts"), `${item.index}`, () => item.prompts.length ? [
    el("h2", { text: item.prompts_title || "Prompts" }),
    el("ul", {}, item.prompts.map((p) => el("li", { text: p }))),
  ] : []);
  replaceIfChanged($("#guidance"), `${item.index}`, () => paragraphs(item.guidance));
  document.body.classList.toggle("has-prompts", item.prompts.length > 0);
}

function drawWall(snap, item) {
  const shown = snap.contributions.filter(visible);
  const sections = [];
  const keyParts = [item.index, snap.queue];
  if (item.turns && item.session !== null) {
    const { queued } = questionsInOrder(snap, item.session);
    keyParts.push(queued.map((c) => [c.id, c.text, c.author_authority]));
    sections.push(() => queueSection(snap, queued));
  }
  // the step's own kinds, other than questions and risks, as cards
  const cardKinds = item.collects.filter((k) => !isQueueKind(snap, k) && !isCategorised(snap, k));
  if (cardKinds.length) {
    const cards = shown.filter((c) => c.item_index === item.index && cardKinds.includes(c.kind))
      .sort((a, b) => b.created_ms - a.created_ms);
    keyParts.push(cards.map((c) => [c.id, c.text, c.kind, c.starred, c.author_authority]));
    sections.push(() => cardSection(snap, cardKinds, cards));
  }
  if (item.session !== null) {
    const risks = shown.filter((c) => isCategorised(snap, c.kind) && c.session === item.session);
    if (risks.length || item.collects.some((k) => isCategorised(snap, k))) {
      keyParts.push(risks.map((c) => [c.id, c.text, c.category, c.origin]));
      sections.push(() => riskSection(snap, item, risks));
    }
  }
  if (!sections.length) sections.push(() => welcome(snap));
  document.body.classList.toggle("wall-empty", sections.length === 0);
  replaceIfChanged($("#wall"), JSON.stringify(keyParts), () => sections.map((f) => f()));
}

function queueSection(snap, queued) {
  const [next, ...rest] = queued;
  return el("section", { class: "wall-section queue" },
    el("h2", {}, "Questions", snap.queue.turn ? el("span", { class: "turn", text: ` · ${turnText(snap.queue)}` }) : null),
    next ? el("div", { class: "next-question" },
      el("p", { class: "next-label", text: `Next question · ${next.author_authority || "observer"}` }),
      el("p", { class: "next-text", text: next.text }))
      : el("p", { class: "wall-empty-text", text: "Questions sent from phones queue here." }),
    rest.length ? el("ol", { class: "queue-rest" }, rest.map((c) => el("li", {},
      el("span", { class: "q-text", text: c.text }),
      el("span", { class: "badge authority", text: c.author_authority || "observer" })))) : null);
}

function riskSection(snap, item, risks) {
  const named = risks.filter((c) => c.origin === "presenter" || (c.origin === "facilitator" && c.author_authority === item.presenter));
  const added = risks.filter((c) => !named.includes(c));
  const column = (title, list) => el("div", { class: "risk-col" },
    el("h3", { text: title }),
    list.length ? el("ul", { class: "risk-list" }, list.map((c) => el("li", {},
      el("span", { class: "risk-cat", text: c.category }),
      el("span", { class: "risk-text", text: c.text }))))
      : el("p", { class: "wall-empty-text", text: "None yet." }));
  return el("section", { class: "wall-section risks" },
    el("h2", { text: plural(snap.script.category_label) }),
    el("div", { class: "risk-cols" },
      column(`Named by ${item.presenter}`, named),
      column("Added by visitors", added)));
}

function cardSection(snap, kinds, cards) {
  return el("section", { class: "wall-section cards" },
    el("h2", { text: kinds.map((k, i) => { const t = plural(kindLabel(snap, k)); return i ? t.toLowerCase() : t; }).join(" and ") }),
    cards.length ? el("ul", { class: "card-grid" }, cards.map((c) => el("li", { class: `wall-card kind-${c.kind}` },
      el("p", { class: "card-text", text: c.text }),
      el("p", { class: "card-meta" }, badges(snap, c, { kind: kinds.length > 1, origin: false, votes: false })))))
      : el("p", { class: "wall-empty-text", text: "Contributions from phones appear here." }));
}

// Nothing on the wall yet (arrival, breaks): show how to join, large.
function welcome(snap) {
  return el("section", { class: "wall-section welcome" },
    el("h2", { text: "Join on your phone" }),
    el("img", { class: "qr welcome-qr", src: `/join/${encodeURIComponent(snap.day.join_code)}/qr.svg`, alt: "QR code to join", width: 360, height: 360 }),
    el("p", { class: "welcome-code", text: snap.day.join_code }),
    el("p", { class: "muted", text: "Scan the code or type it at the address below. Your name is seen only by the facilitator." }));
}
