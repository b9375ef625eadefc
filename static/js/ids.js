// A UUID for each contribution. crypto.randomUUID needs a secure context (https or localhost);
// phones on the venue Wi-Fi reach the laptop over plain http, so fall back to getRandomValues.
export function newId() {
  if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A list kept in localStorage (survives a reload or a phone that sleeps).
export function storedList(key) {
  const read = () => { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } };
  const write = (list) => { try { localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* full or private */ } };
  return {
    all: read,
    add(item) { write([...read().filter((x) => x.id !== item.id), item]); },
    remove(id) { write(read().filter((x) => x.id !== id)); },
    has(id) { return read().some((x) => x.id === id); },
  };
}
