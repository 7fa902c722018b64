// Seeing a docker CLI command from the engine's side of the socket, for both engines alike:
// - a relaying unix socket in front of an engine's API that notes, for every request, when it was sent, when
//   the response's status line came back, when its last bytes did, and when the connection closed;
// - the engine's own event stream (GET /events), for when the daemon says a container started, died, ...
// Times are monotonic milliseconds (CLOCK_MONOTONIC, the same clock in every process on the machine).
import {request} from 'node:http';
import {createServer, connect} from 'node:net';
import {rmSync} from 'node:fs';

export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

const REQUEST_LINE = /(?:^|\n)(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.[01]\r\n/g;
const STATUS_LINE = /(?:^|\n)HTTP\/1\.[01] (\d{3})/g;

/**
 * Listens on `path` and relays every connection to `engine.sock`. Returns {host, requests, close}; each request
 * is {method, path, sent, head, status, last, closed}, `closed` being when the engine ended the connection.
 * Good enough for the docker CLI, whose requests and responses start at the beginning of a write; a hijacked
 * (101) connection is relayed as raw bytes.
 */
export function startApiTrace(engine, path) {
  const requests = [];
  const sockets = new Set();
  // Half-open connections stay half-open: the CLI shuts its sending side of an attach down (no stdin) and still
  // reads the output.
  const server = createServer({allowHalfOpen: true}, (client) => {
    const upstream = connect({path: engine.sock, allowHalfOpen: true});
    sockets.add(client).add(upstream);
    const queue = []; // requests on this connection still waiting for their status line
    const mine = [];
    let current; // the request whose response bytes are flowing
    let upgraded = false;
    client.on('data', (chunk) => {
      const t = monotonicMs();
      if (!upgraded) {
        for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
          const r = {method: m[1], path: m[2], sent: t};
          requests.push(r);
          queue.push(r);
          mine.push(r);
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      const t = monotonicMs();
      if (!upgraded) {
        for (const m of chunk.toString('latin1').matchAll(STATUS_LINE)) {
          const r = queue.shift();
          if (!r) break;
          r.head = t;
          r.status = Number(m[1]);
          current = r;
          if (r.status === 101) upgraded = true;
        }
        const id = /"Id":"([0-9a-f]{64})"/.exec(chunk.toString('latin1'));
        if (id && current) current.id = id[1];
      }
      if (current) current.last = t;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => {
      // The engine has sent all it will on this connection (for an attach: the output is over).
      const t = monotonicMs();
      for (const r of mine) r.closed ??= t;
      client.end();
    });
    const gone = () => {
      const t = monotonicMs();
      for (const r of mine) r.closed ??= t;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', gone);
    upstream.on('close', () => (client.writableEnded ? undefined : gone()));
    client.on('error', gone);
    upstream.on('error', gone);
  });
  rmSync(path, {force: true});
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(path, () => {
      resolveStart({
        host: `unix://${path}`,
        requests,
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}

/**
 * Follows GET /events on the engine's own socket. Returns {events, close}; each event keeps the engine's JSON
 * plus `at`, its time converted to the monotonic clock (to about a millisecond: the engines stamp events with
 * the wall clock).
 */
export function followEvents(engine) {
  const events = [];
  // Wall clock minus monotonic clock, both in ms, sampled now.
  const offset = Date.now() - monotonicMs();
  return new Promise((resolveStart, rejectStart) => {
    const req = request({socketPath: engine.sock, path: '/v1.41/events', method: 'GET'}, (res) => {
      if (res.statusCode !== 200) {
        rejectStart(new Error(`${engine.name}: GET /events answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (text) => {
        buffer += text;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          try {
            const e = JSON.parse(line);
            e.at = e.timeNano / 1e6 - offset;
            e.received = monotonicMs();
            events.push(e);
          } catch {
            // not one event per line: ignore it rather than guess
          }
        }
      });
      res.on('error', () => {});
      resolveStart({events, close: () => req.destroy()});
    });
    req.on('error', (error) => {
      if (!req.destroyed) rejectStart(error);
    });
    req.end();
  });
}
