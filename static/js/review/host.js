// The host's page: key findings appear (and go) as the lead releases (or withdraws) them.
import { connectReview, connText } from "./live.js";
import { el, $ } from "../dom.js";

const live = connectReview({ review: document.body.dataset.review, role: "host",
  onStatus: (state, status) => connText($("#conn"), state, status) });
live.socket.on("finding", ({ finding }) => {
  const list = $("#emerging-list");
  const old = list.querySelector(`[data-id="${CSS.escape(finding.id)}"]`);
  if (old) old.remove();
  if (finding.released) list.append(el("li", { dataset: { id: finding.id } }, finding.text));
  const empty = list.querySelector(".empty");
  if (empty && list.children.length > 1) empty.remove();
});
