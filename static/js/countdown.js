// Time left on a clock as the server sends it (a deadline while running, what remains otherwise),
// at `now` on the server's clock.
export function remainingOn(clock, now) {
  if (!clock) return 0;
  if (clock.status === "running") return clock.deadline_ms - now;
  return clock.remaining_ms ?? 0;
}

// The one way a countdown reads, on the day's screens and the review's alike:
// mm:ss, or h:mm:ss past an hour; a negative time (an overrun) counts up with "+".
export function formatCountdown(ms) {
  const over = ms < 0;
  const total = over ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return { text: (over ? "+" : "") + text, over };
}
