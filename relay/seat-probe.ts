import type { ClientConnection } from './connection.js';

/**
 * When a connection asks for a seat another open connection holds, the holder may be a socket left
 * half-open by the same page's reconnect. It is pinged; if no pong comes within `probeMs` it is cut
 * off, which frees its seats, and the page's next announce gets in. A live holder answers the ping
 * and keeps its seat: an impostor can only make it answer a ping.
 */
export const createSeatProbe = (probeMs: () => number, onDead: (conn: ClientConnection) => void) => {
  const probing = new Set<ClientConnection>();
  return (holder: ClientConnection): void => {
    if (probing.has(holder) || !holder.open) return;
    probing.add(holder);
    let answered = false;
    const onPong = (): void => {
      answered = true;
    };
    holder.socket.once('pong', onPong);
    try {
      holder.socket.ping();
    } catch {
      // A socket that cannot even be pinged is as dead as one that does not answer.
    }
    setTimeout(() => {
      probing.delete(holder);
      holder.socket.off('pong', onPong);
      if (answered || !holder.open) return;
      onDead(holder);
    }, probeMs()).unref();
  };
};
