// A soft chime made with WebAudio (no audio file). Browsers only allow sound after a gesture,
// so the context is created or resumed on the first click or key press.
let ctx = null;

function context() {
  if (!ctx) {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    ctx = new AC();
  }
  return ctx;
}

export function unlockAudioOnGesture() {
  const unlock = () => { const c = context(); if (c && c.state === "suspended") c.resume(); };
  window.addEventListener("pointerdown", unlock, { once: false, passive: true });
  window.addEventListener("keydown", unlock, { once: false });
}

export function chime() {
  const c = context();
  if (!c) return;
  if (c.state === "suspended") c.resume();
  const now = c.currentTime;
  // two gentle sine tones, a fifth apart, fading out
  [[659.25, 0], [987.77, 0.18]].forEach(([freq, delay]) => {
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + delay);
    gain.gain.exponentialRampToValueAtTime(0.18, now + delay + 0.04);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + delay + 1.6);
    osc.connect(gain).connect(c.destination);
    osc.start(now + delay);
    osc.stop(now + delay + 1.7);
  });
  document.body.dataset.chimed = String(Number(document.body.dataset.chimed || 0) + 1);
}

// A mute toggle button kept in localStorage under `key`; returns () => muted.
export function muteToggle(button, key, initial = null) {
  let muted = initial !== null ? initial : localStorage.getItem(key) === "1";
  const draw = () => {
    button.setAttribute("aria-pressed", String(!muted));
    button.textContent = muted ? "Chime off" : "Chime on";
    button.classList.toggle("muted", muted);
  };
  button.addEventListener("click", () => {
    muted = !muted;
    try { localStorage.setItem(key, muted ? "1" : "0"); } catch (e) { /* private mode */ }
    if (!muted) { const c = context(); if (c) c.resume(); }
    draw();
  });
  draw();
  return () => muted;
}
