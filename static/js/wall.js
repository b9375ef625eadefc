// What the room's screen shows, drawn into any root that has the projector's parts (found by
// class): the projector page itself, and the small live preview on the console.
import { currentItem, stepContext, whoSpeaks, kindLabel, isQueueKind, isCategorised, questionsInOrder,
  visible, byId } from "./live.js";
import { el, setText, replaceIfChanged, paragraphs, plural } from "./dom.js";
import { badges, turnText } from "./cards.js";

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
  const item = currentItem(snap);
  setText(part(root, "proj-context"), stepContext(item) || snap.day.title);
  setText(part(root, "proj-title"), item.title);
  setText(part(root, "proj-who"), whoSpeaks(item));
  setText(part(root, "proj-status"), { ready: "Not started yet", running: "", paused: "Paused" }[snap.clock.status]);
  drawPrompts(root, item);
  drawWall(root, snap, item);
  drawSpotlight(root, snap);
}

// The contribution the facilitator put in the spotlight, if the room may still see it.
export function spotlit(snap) {
  const c = snap.spotlight ? byId(snap).get(snap.spotlight) : null;
  return visible(c) ? c : null;
}

function drawPrompts(root, item) {
  replaceIfChanged(part(root, "proj-prompts"), `${item.index}`, () => item.prompts.length ? [
    el("h2", { text: item.prompts_title || "Prompts" }),
    el("ul", { "data-fits": "prompts", "data-keep": "1" }, item.prompts.map((p) => el("li", { text: p }))),
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

export function voteText(n) {
  return `${n} vote${n === 1 ? "" : "s"}`;
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

function fitBox(box) {
  const lists = [...box.querySelectorAll("[data-fits]")];
  for (const list of lists) {
    list.querySelectorAll(":scope > li").forEach((li) => { li.hidden = false; });
    const more = list.nextElementSibling;
    if (more && more.classList.contains("more")) more.remove();
  }
  const overflows = () => box.scrollHeight > box.clientHeight + 1;
  const showing = (list) => [...list.querySelectorAll(":scope > li")].filter((li) => !li.hidden);
  const notes = new Map();
  let guard = 200;
  while (overflows() && guard-- > 0) {
    const candidates = lists.filter((l) => showing(l).length > Number(l.dataset.keep || 1));
    if (!candidates.length) break;
    const longest = candidates.reduce((a, b) => (showing(b).length > showing(a).length ? b : a));
    const items = showing(longest);
    items[items.length - 1].hidden = true;
    if (!notes.has(longest)) {
      notes.set(longest, el("p", { class: "more" }));
      longest.after(notes.get(longest));
    }
    const n = longest.querySelectorAll(":scope > li[hidden]").length;
    notes.get(longest).textContent = `+${n} more ${longest.dataset.fits}`;
  }
}

// Bring on what did not fit: each list that has more than it shows moves on by what it showed.
export function rotateScreen(root) {
  let moved = false;
  for (const list of root.querySelectorAll("[data-fits]")) {
    const items = [...list.querySelectorAll(":scope > li")];
    const shown = items.filter((li) => !li.hidden);
    if (shown.length === items.length) continue;
    list.append(...shown);
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
    rest.length ? el("ol", { class: "queue-rest", "data-fits": "questions waiting", "data-keep": "1" }, rest.map((c, i) => el("li", { value: i + 2 },
      el("span", { class: "q-text", text: c.text }),
      el("span", { class: "badge authority", text: c.author_authority || "observer" }),
      c.votes ? el("span", { class: "badge votes", text: voteText(c.votes) }) : null))) : null);
}

function riskSection(snap, item, risks) {
  const named = risks.filter((c) => c.origin === "presenter" || (c.origin === "facilitator" && c.author_authority === item.presenter));
  const added = risks.filter((c) => !named.includes(c));
  const label = plural(snap.script.category_label).toLowerCase();
  const column = (title, list) => el("div", { class: "risk-col" },
    el("h3", { text: title }),
    list.length ? el("ul", { class: "risk-list", "data-fits": label, "data-keep": "1" }, list.map((c) => el("li", {},
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
  const title = kinds.map((k, i) => { const t = plural(kindLabel(snap, k)); return i ? t.toLowerCase() : t; }).join(" and ");
  return el("section", { class: "wall-section cards" },
    el("h2", { text: title }),
    cards.length ? el("ul", { class: "card-grid", "data-fits": title.toLowerCase(), "data-keep": "1" }, cards.map((c) => el("li", { class: `wall-card kind-${c.kind}` },
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
