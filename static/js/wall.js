// What the room's screen shows, drawn into any root that has the projector's parts (found by
// class): the projector page itself, and the small live preview on the console.
import { currentItem, stepContext, whoSpeaks, kindLabel, kindPlural, isQueueKind, isCategorised, questionsInOrder,
  visible, byId, dayEnded, clockTime } from "./live.js";
import { el, setText, replaceIfChanged, paragraphs } from "./dom.js";
import { badges, turnText, voteText } from "./cards.js";

const part = (root, name) => root.querySelector(`.${name}`);

// The parts of the screen, without ids, for a copy of it elsewhere (the console's preview).
export function screenSkeleton(joinCode, joinUrl) {
  return el("div", { class: "proj-grid" },
    el("header", { class: "proj-head" },
      el("p", { class: "proj-context" }), el("p", { class: "proj-title" }), el("p", { class: "proj-who" })),
    el("section", { class: "proj-left" },
      el("div", { class: "countdown proj-countdown" }), el("p", { class: "proj-status" }),
      el("div", { class: "proj-prompts" }), el("div", { class: "proj-guidance" })),
    el("section", { class: "proj-wall" }, el("div", { class: "proj-wall-inner" })),
    el("footer", { class: "proj-foot" },
      el("img", { class: "qr proj-qr", src: `/join/${encodeURIComponent(joinCode)}/qr.svg`, alt: "", width: 150, height: 150 }),
      el("div", { class: "proj-join" },
        el("p", { class: "proj-join-label", text: "Join on your phone" }),
        el("p", { class: "proj-code", text: joinCode }),
        el("p", { class: "proj-url", text: joinUrl }))),
    el("div", { class: "proj-spotlight", hidden: true }));
}

export function drawScreen(root, snap) {
  const ended = dayEnded(snap);
  root.classList.toggle("day-ended", ended);
  if (ended) { drawEnded(root, snap); drawSpotlight(root, snap); return; }
  const item = currentItem(snap);
  setText(part(root, "proj-context"), stepContext(item) || snap.day.title);
  setText(part(root, "proj-title"), item.title);
  setText(part(root, "proj-who"), whoSpeaks(item));
  setText(part(root, "proj-status"), { ready: "Not started yet", running: "", paused: "Paused" }[snap.clock.status]);
  drawPrompts(root, item);
  drawWall(root, snap, item);
  drawSpotlight(root, snap);
}

// The day is over: say so, and thank the room; the clock and the join code are of no more use.
function drawEnded(root, snap) {
  setText(part(root, "proj-context"), snap.day.title);
  setText(part(root, "proj-title"), "The day is over");
  setText(part(root, "proj-who"), "Thank you all for taking part.");
  setText(part(root, "proj-status"), "");
  replaceIfChanged(part(root, "proj-prompts"), "ended", () => []);
  replaceIfChanged(part(root, "proj-guidance"), "ended", () => []);
  root.classList.remove("has-prompts");
  const captured = snap.contributions.filter(visible).length;
  replaceIfChanged(part(root, "proj-wall-inner"), `ended:${captured}`, () => [
    el("section", { class: "wall-section ended-card" },
      el("h2", { text: `The day ended at ${clockTime(snap.clock.ended_ms)}` }),
      captured ? el("p", { text: `${captured} ${captured === 1 ? "contribution was" : "contributions were"} captured today.` }) : null,
      el("p", { text: "Nothing more can be added from phones. Each authority sees everything said about it before anything is shared." })),
  ]);
}

// The contribution the facilitator put in the spotlight, if the room may still see it.
export function spotlit(snap) {
  const c = snap.spotlight ? byId(snap).get(snap.spotlight) : null;
  return visible(c) ? c : null;
}

function drawPrompts(root, item) {
  replaceIfChanged(part(root, "proj-prompts"), `${item.index}`, () => item.prompts.length ? [
    el("h2", { text: item.prompts_title || "Prompts" }),
    fitsList("ul", { "data-fits": "prompts" }, item.prompts.map((p) => el("li", { text: p }))),
  ] : []);
  replaceIfChanged(part(root, "proj-guidance"), `${item.index}`, () => paragraphs(item.guidance));
  root.classList.toggle("has-prompts", item.prompts.length > 0);
}

function drawSpotlight(root, snap) {
  const node = part(root, "proj-spotlight");
  const c = spotlit(snap);
  node.hidden = !c;
  root.classList.toggle("spotlight-on", !!c);
  replaceIfChanged(node, JSON.stringify(c && [c.id, c.text, c.kind, c.category, c.author_authority, c.votes]), () => c ? [
    el("p", { class: "spot-label" }, kindLabel(snap, c.kind), c.category ? ` · ${c.category}` : "",
      c.author_authority ? ` · ${c.author_authority}` : ""),
    el("p", { class: "spot-text", text: c.text }),
    c.votes ? el("p", { class: "spot-votes", text: voteText(c.votes) }) : null,
  ] : []);
}

function drawWall(root, snap, item) {
  const shown = snap.contributions.filter(visible);
  const sections = [];
  const keyParts = [item.index, snap.queue];
  if (item.turns && item.session !== null) {
    const { queued } = questionsInOrder(snap, item.session);
    keyParts.push(queued.map((c) => [c.id, c.text, c.author_authority, c.votes]));
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
    // newest first, so what was just sent is always on the screen
    const risks = shown.filter((c) => isCategorised(snap, c.kind) && c.session === item.session)
      .sort((a, b) => b.created_ms - a.created_ms);
    if (risks.length || item.collects.some((k) => isCategorised(snap, k))) {
      keyParts.push(risks.map((c) => [c.id, c.text, c.category, c.origin]));
      sections.push(() => riskSection(snap, item, risks));
    }
  }
  const wall = part(root, "proj-wall-inner");
  if (!sections.length) sections.push(() => welcome(snap));
  if (replaceIfChanged(wall, JSON.stringify(keyParts), () => sections.map((f) => f()))) fitScreen(root);
}

// Nothing on the screen is hidden silently: while a part overflows, take the last item off its
// longest list, and say under each list how many more there are. `rotateScreen` brings those on.
export function fitScreen(root) {
  for (const box of root.querySelectorAll(".proj-wall, .proj-left")) fitBox(box);
}

// A list on the wall: at most DRAWN items are in the page at once (no screen shows more), the
// rest wait their turn in `list.waiting`, counted in its "+N more" and brought on by rotation.
const DRAWN = 30;

function fitsList(tag, attrs, items) {
  const list = el(tag, { "data-keep": "1", ...attrs }, items.slice(0, DRAWN));
  list.waiting = items.slice(DRAWN);
  return list;
}

// The order of taking off is known without drawing anything; only "does it fit yet?" needs the
// layout, so a binary search over how many to take off asks it a handful of times, not once an item.
function fitBox(box) {
  const lists = [...box.querySelectorAll("[data-fits]")];
  const items = lists.map((list) => [...list.querySelectorAll(":scope > li")]);
  const waiting = lists.map((list) => (list.waiting || []).length);
  const notes = lists.map((list) => {
    const old = list.nextElementSibling;
    if (old && old.classList.contains("more")) old.remove();
    return el("p", { class: "more" });
  });
  const order = takingOff(items.map((lis) => lis.length), lists.map((l) => Number(l.dataset.keep || 1)));
  const overflows = () => box.scrollHeight > box.clientHeight + 1;
  const takeOff = (k) => {
    const off = lists.map(() => 0);
    for (let j = 0; j < k; j++) off[order[j]] += 1;
    lists.forEach((list, i) => {
      const cut = items[i].length - off[i];
      items[i].forEach((li, n) => { li.hidden = n >= cut; });
      const more = off[i] + waiting[i];
      if (!more) { notes[i].remove(); return; }
      notes[i].textContent = `+${more} more ${list.dataset.fits}`;
      if (!notes[i].isConnected) list.after(notes[i]);
    });
  };
  takeOff(0);
  if (!overflows() || !order.length) return;
  let fits = order.length, over = 0; // taking off `over` items still overflows
  takeOff(fits);
  if (overflows()) return; // as much off as may be: the rest cannot help
  while (fits - over > 1) {
    const mid = (fits + over) >> 1;
    takeOff(mid);
    if (overflows()) over = mid; else fits = mid;
  }
  takeOff(fits);
}

// Which list loses an item at each turn: the one showing the most, of those above what they keep.
function takingOff(counts, keep) {
  const showing = [...counts], order = [];
  for (;;) {
    let longest = -1;
    showing.forEach((n, i) => { if (n > keep[i] && (longest === -1 || n > showing[longest])) longest = i; });
    if (longest === -1) return order;
    showing[longest] -= 1;
    order.push(longest);
  }
}

// Bring on what did not fit: each list that has more than it shows moves on by what it showed.
export function rotateScreen(root) {
  let moved = false;
  for (const list of root.querySelectorAll("[data-fits]")) {
    const items = [...list.querySelectorAll(":scope > li")];
    const shown = items.filter((li) => !li.hidden);
    const waiting = list.waiting || [];
    if (shown.length === items.length && !waiting.length) continue;
    const next = [...items.filter((li) => li.hidden), ...waiting, ...shown];
    list.replaceChildren(...next.slice(0, DRAWN));
    list.waiting = next.slice(DRAWN);
    moved = true;
  }
  if (moved) fitScreen(root);
}

function queueSection(snap, queued) {
  const [next, ...rest] = queued;
  return el("section", { class: "wall-section queue" },
    el("h2", {}, "Questions", snap.queue.turn ? el("span", { class: "turn", text: ` · ${turnText(snap.queue)}` }) : null),
    next ? el("div", { class: "next-question" },
      el("p", { class: "next-label" }, `Next question · ${next.author_authority || "observer"}`,
        next.votes ? el("span", { class: "badge votes", text: voteText(next.votes) }) : null),
      el("p", { class: "next-text", text: next.text }))
      : el("p", { class: "wall-empty-text", text: "Questions sent from phones queue here." }),
    rest.length ? fitsList("ol", { class: "queue-rest", "data-fits": "questions waiting" }, rest.map((c, i) => el("li", { value: i + 2 },
      el("span", { class: "q-text", text: c.text }),
      el("span", { class: "badge authority", text: c.author_authority || "observer" }),
      c.votes ? el("span", { class: "badge votes", text: voteText(c.votes) }) : null))) : null);
}

function riskSection(snap, item, risks) {
  // which column a signature stands in is the server's word on it, as in the day's document
  const named = risks.filter((c) => c.named_by_presenter);
  const added = risks.filter((c) => !c.named_by_presenter);
  const label = snap.script.plurals.category.toLowerCase();
  const column = (title, list) => el("div", { class: "risk-col" },
    el("h3", { text: title }),
    list.length ? fitsList("ul", { class: "risk-list", "data-fits": label }, list.map((c) => el("li", {},
      el("span", { class: "risk-cat", text: c.category }),
      el("span", { class: "risk-text", text: c.text }))))
      : el("p", { class: "wall-empty-text", text: "None yet." }));
  return el("section", { class: "wall-section risks" },
    el("h2", { text: snap.script.plurals.category }),
    el("div", { class: "risk-cols" },
      column(`Named by ${item.presenter}`, named),
      column("Added by visitors", added)));
}

function cardSection(snap, kinds, cards) {
  const title = kinds.map((k, i) => { const t = kindPlural(snap, k); return i ? t.toLowerCase() : t; }).join(" and ");
  return el("section", { class: "wall-section cards" },
    el("h2", { text: title }),
    cards.length ? fitsList("ul", { class: "card-grid", "data-fits": title.toLowerCase() }, cards.map((c) => el("li", { class: `wall-card kind-${c.kind}` },
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
