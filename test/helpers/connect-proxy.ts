/**
 * A small forward proxy for a test of HTTPS_PROXY: it answers HTTP CONNECT, counts each tunnel by the host:port
 * asked for, and reaches that host through `hosts` (a name → loopback address map, so a test can use a name no
 * resolver knows: only the proxy can reach it, which proves the engine went through the proxy). A name it does not
 * map is refused with 502.
 */
import {createServer, type Server} from 'node:http';
import {connect, type Socket} from 'node:net';

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`, as HTTPS_PROXY takes it. */
  url: string;
  /** Tunnels asked for, by `host:port`. */
  tunnels: Map<string, number>;
  stop(): Promise<void>;
}

export async function startConnectProxy(hosts: Record<string, string>): Promise<ConnectProxy> {
  const tunnels = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end('only CONNECT');
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    const m = /^(.+):(\d+)$/.exec(target);
    const address = m ? hosts[m[1]] : undefined;
    if (!m || !address) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(Number(m[2]), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as {port: number}).port}`,
    tunnels,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
