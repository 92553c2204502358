// The channel to the loader in the parent page (CONTRACT §9). Messages are accepted only from
// window.parent, and once the parent's origin is known, only from that origin; everything this
// frame sends after "ready" goes to that origin alone.
const SOURCE = "orderly-embed";
const PROTOCOL = 1;
const embedded = window.parent !== window;
let hostOrigin = null;
const handlers = {};
const queue = [];

// Chromium and Safari name the framing origin; elsewhere it is learnt from the first message.
if (embedded && window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
  hostOrigin = window.location.ancestorOrigins[0];
}

export function onHost(type, handler) {
  (handlers[type] = handlers[type] || []).push(handler);
}

export function toHost(type, extra = {}) {
  if (!embedded) return;
  const message = { source: SOURCE, v: PROTOCOL, type, ...extra };
  if (type === "ready" && !hostOrigin) {
    // Carries nothing but the wish to be spoken to; the answer fixes the origin.
    window.parent.postMessage(message, "*");
  } else if (hostOrigin) {
    window.parent.postMessage(message, hostOrigin);
  } else {
    queue.push(message);
  }
}

export function emitToHost(name, detail = {}) {
  toHost("event", { name, detail });
}

window.addEventListener("message", (event) => {
  if (!embedded || event.source !== window.parent) return;
  const m = event.data;
  if (!m || m.source !== SOURCE || m.v !== PROTOCOL || typeof m.type !== "string") return;
  if (hostOrigin && event.origin !== hostOrigin) return;
  if (!hostOrigin) {
    hostOrigin = event.origin;
    while (queue.length) window.parent.postMessage(queue.shift(), hostOrigin);
  }
  for (const handler of handlers[m.type] || []) handler(m);
});

export const isEmbedded = () => embedded;
