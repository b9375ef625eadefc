// The room's screen: the step, who speaks, a huge countdown, the prompts, joining, the live wall,
// and whatever the facilitator puts in the spotlight.
import { connectLive, runCountdown, crossingWatcher } from "./live.js";
import { $, showStatus } from "./dom.js";
import { chime, muteToggle, unlockAudioOnGesture } from "./chime.js";
import { drawScreen, fitScreen, rotateScreen } from "./wall.js";

const dayId = document.body.dataset.day;
const params = new URLSearchParams(location.search);
const screen = $("#screen");
const live = connectLive({ day: dayId, role: "projector", render, onStatus: (s) => showStatus($("#conn"), s) });
unlockAudioOnGesture();
const isMuted = muteToggle($("#chime-toggle"), "facilitator:projector-chime-muted",
  params.has("mute") ? params.get("mute") === "1" : null);
const watch = crossingWatcher({ onZero: () => { if (!isMuted()) chime(); } });
runCountdown(live, $("#countdown"), watch);

function render(state) {
  drawScreen(screen, state.snap);
}

// long enough to read a question from the back of the room; ?rotate=ms sets another pace
const ROTATE_MS = Math.max(1000, Number(params.get("rotate")) || 8000);

// a new screen size fits the screen afresh; what did not fit comes round in turn
window.addEventListener("resize", () => fitScreen(screen));
setInterval(() => rotateScreen(screen), ROTATE_MS);
