// The host's page: key findings appear (and go) as the lead releases (or withdraws) them. A new
// one is taken from the page as the server renders it now, with its answer form; answers being
// typed into the others are left alone.
import { connectReview, connText } from "./live.js";
import { $ } from "../dom.js";

async function rendered(id) {
  try {
    const response = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return null;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const item = fresh.querySelector(`#emerging-list [data-id="${CSS.escape(id)}"]`);
    return item ? document.adoptNode(item) : null;
  } catch (e) { return null; }  // offline for a moment: a reload shows it
}

function tidy(list) {
  const empty = list.querySelector(".empty");
  if (empty && list.children.length > 1) empty.remove();
}

const live = connectReview({ review: document.body.dataset.review, role: "host",
  onStatus: (state, status) => connText($("#conn"), state, status) });
live.socket.on("finding", async ({ finding }) => {
  const list = $("#emerging-list");
  const old = list.querySelector(`[data-id="${CSS.escape(finding.id)}"]`);
  if (!finding.released) { if (old) old.remove(); return; }
  const item = await rendered(finding.id);
  if (!item || list.querySelector(`[data-id="${CSS.escape(finding.id)}"]`)) return;
  list.append(item);
  tidy(list);
});

// A critical incident is shown the moment it is raised, recorded or signed: the page takes its
// incidents as the server renders them now, keeping any name the host is typing to sign with.
let fetching = false, again = false, connectedBefore = false;
async function refreshIncidents() {
  if (fetching) { again = true; return; }
  fetching = true;
  try {
    const response = await fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
    const fresh = response.ok && new DOMParser().parseFromString(await response.text(), "text/html").querySelector("#incidents");
    if (fresh) {
      for (const input of $("#incidents").querySelectorAll("input[id]:not([type=hidden])")) {
        const twin = fresh.querySelector(`#${CSS.escape(input.id)}`);
        if (twin && input.value !== input.defaultValue) twin.value = input.value;  // typed by the host
      }
      $("#incidents").replaceWith(document.adoptNode(fresh));
    }
  } catch (e) { /* offline for a moment: the next change, a reconnection or a reload shows it */ }
  fetching = false;
  if (again) { again = false; refreshIncidents(); }
}
live.socket.on("incident", refreshIncidents);
live.socket.on("connect", () => { if (connectedBefore) refreshIncidents(); connectedBefore = true; });  // catch up after a drop
