// How a contribution is drawn, shared by the console, the projector and the phones.
import { el } from "./dom.js";
import { kindLabel } from "./live.js";

export function badges(snap, c, { kind = true, origin = true, authority = true, votes = true } = {}) {
  return [
    kind ? el("span", { class: `badge kind kind-${c.kind}`, text: kindLabel(snap, c.kind) }) : null,
    c.category ? el("span", { class: "badge cat", text: c.category }) : null,
    origin && c.origin ? el("span", { class: `badge origin origin-${c.origin}`, text: c.origin }) : null,
    authority && c.author_authority ? el("span", { class: "badge authority", text: c.author_authority }) : null,
    votes && c.votes ? el("span", { class: "badge votes", text: voteText(c.votes) }) : null,
    c.starred ? el("span", { class: "badge star", text: "★ case study" }) : null,
    c.asked_ms ? el("span", { class: "badge asked", text: "asked" }) : null,
  ];
}

// "1 vote", "3 votes": the one place a count of votes is worded.
export function voteText(n) {
  return `${n} vote${n === 1 ? "" : "s"}`;
}

// Group contributions by kind, in the script's order of kinds.
export function groupByKind(snap, list) {
  const groups = new Map(Object.keys(snap.script.kinds).map((k) => [k, []]));
  for (const c of list) (groups.get(c.kind) || groups.set(c.kind, []).get(c.kind)).push(c);
  return [...groups].filter(([, items]) => items.length);
}

// "Eastbridge's turn"
export function turnText(queue) {
  return queue && queue.turn ? `${queue.turn}'s turn` : "";
}
