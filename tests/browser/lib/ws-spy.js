// Injected into every page before its own scripts (context.addInitScript).
// Wraps window.WebSocket so that tests can see and steer the page's feed:
//   window.__wsSpy.sockets   every socket the page opened, oldest first
//   window.__wsSpy.frames    messages received, all sockets
//   window.__wsSpy.bytes     their size (characters of text frames, bytes of binary ones)
//   window.__wsSpy.block     while true, new sockets go to a closed port, so the page's
//                            reconnects fail (a network that is down) until it is false
(() => {
  const Native = window.WebSocket;
  const spy = { sockets: [], frames: 0, bytes: 0, opened: 0, block: false };
  class SpiedWebSocket extends Native {
    constructor(url, protocols) {
      // Port 9 (discard) on loopback has no listener here: the connection is refused.
      super(spy.block ? 'ws://127.0.0.1:9/blocked' : url, protocols);
      spy.sockets.push(this);
      spy.opened += 1;
      this.addEventListener('message', (e) => {
        spy.frames += 1;
        const d = e.data;
        spy.bytes += typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
      });
    }
  }
  window.WebSocket = SpiedWebSocket;
  window.__wsSpy = spy;
})();
