/**
 * Hijacked connections (attach, exec start): after a `101 UPGRADED` the HTTP connection becomes a raw
 * bidirectional stream. The docker CLI requires the 101; the content type says whether output is multiplexed.
 */
import type {Socket} from 'node:net';
import type {RequestContext} from './router.js';

export function hijack(ctx: RequestContext, tty: boolean): Socket {
  const socket = (ctx.upgrade?.socket ?? ctx.req.socket) as Socket;
  const type = tty || ctx.version < '1.42' ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  if (ctx.upgrade) {
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    if (ctx.upgrade.head.length > 0) socket.unshift(ctx.upgrade.head);
  } else {
    // Clients that do not ask to upgrade still get the raw stream on the same connection, as dockerd does.
    ctx.res.detachSocket(socket);
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\n\r\n`);
  }
  // The CLI half-closes when it has no stdin to send (over TLS, a close_notify). TLS server sockets are not
  // half-open by default and would end the stream on it, cutting the output short; the reply side must stay.
  socket.allowHalfOpen = true;
  socket.setNoDelay(true);
  socket.setTimeout(0);
  return socket;
}
