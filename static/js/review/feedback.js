// The projected verbal feedback keeps itself up to date: the server says when findings,
// conclusions or agreed actions change (with the review's seq) and the page fetches the fresh
// record from the server, so what is projected is always what is stored.
import { connectReview } from "./live.js";

let seq = Number(document.body.dataset.seq || 0);
let busy = false, again = false;

async function refresh() {
  if (busy) { again = true; return; }
  busy = true;
  try {
    const response = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (response.ok) {
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const freshSeq = Number(fresh.body.dataset.seq || 0);
      const part = fresh.querySelector("#feedback-live");
      if (part && freshSeq >= seq) {
        seq = freshSeq;
        document.querySelector("#feedback-live").replaceWith(document.adoptNode(part));
      }
    }
  } catch (e) { /* offline for a moment: the next change or reconnection fetches again */ }
  busy = false;
  if (again) { again = false; refresh(); }
}

const live = connectReview({ review: document.body.dataset.review, role: "lead",
  onStatus: (state, status) => { if (status === "connected") refresh(); } });
live.socket.on("feedback", (msg) => { if (Number(msg.seq) > seq) refresh(); });
