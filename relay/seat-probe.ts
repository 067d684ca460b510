import type { ClientConnection, HubContext } from './connection.js';

/**
 * When a connection asks for a seat another open connection holds, the holder may be a socket left
 * half-open by the same page's reconnect. It is pinged; if no pong comes within `probeMs` it is cut
 * off, which frees its seats, and the page's next announce gets in. A live holder answers the ping
 * and keeps its seat: an impostor can only make it answer a ping. Both hubs share this (a dead
 * holder is logged and terminated the same way whichever protocol it spoke).
 */
export const createSeatProbe = (ctx: HubContext) => {
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
      ctx.log('seat_holder_dead', { conn: holder.id, ip: holder.ipHash });
      holder.open = false;
      holder.socket.terminate();
    }, ctx.limits.seatProbeMs).unref();
  };
};
