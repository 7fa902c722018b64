/**
 * The userland proxy behind a published port (what docker-proxy does): a listener on the host that relays
 * each TCP connection, or each UDP client's datagrams, to the container's address. Living in the daemon's
 * host network namespace, it reaches the container over the bridge like any other host program would.
 */
import {createSocket, type Socket as UdpSocket} from 'node:dgram';
import {createServer, connect, isIPv6, type Server, type Socket} from 'node:net';
import type {Logger} from '../util/log.js';
import {BindError, bindError, type PortProxy, type ProxyTarget} from './proxy-types.js';
import {openSpliceTcp, spliceProxyPath} from './splice-proxy.js';

export {BindError, type PortProxy, type ProxyTarget};

/** Like docker-proxy: a UDP client with no traffic for this long is forgotten. */
const udpIdleMs = 90_000;
const maxUdpFlows = 1024;

/**
 * TCP goes through labd-proxy (splice(2) in a small C process) when it has been built, else through the relay
 * in this process; UDP, light and per-client, stays here.
 */
export function openProxy(t: ProxyTarget, log?: Logger): Promise<PortProxy> {
  if (t.proto === 'udp') return openUdp(t);
  const binary = spliceProxyPath();
  return binary ? openSpliceTcp(t, binary, log) : openNodeTcp(t);
}

/** The relay in the daemon: every byte through Node's streams (the fallback when labd-proxy is missing). */
export function openNodeTcp(t: ProxyTarget): Promise<PortProxy> {
  const live = new Set<Socket>();
  // allowHalfOpen on both sides: a client's FIN is passed on as a FIN, and the answer can still flow back.
  const server: Server = createServer({allowHalfOpen: true}, (client) => {
    const upstream = connect({host: t.targetIp, port: t.targetPort, allowHalfOpen: true});
    live.add(client);
    live.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => live.delete(client));
    upstream.on('close', () => {
      live.delete(upstream);
      // The container's side is gone entirely: nothing more can reach the client.
      if (!client.writableEnded) client.end();
    });
    // pipe() pauses the reader while the writer's buffer is full, and ends the writer when the reader ends.
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, t)));
    server.listen({host: t.hostIp, port: t.hostPort, exclusive: true, ipv6Only: isIPv6(t.hostIp)}, () => {
      server.removeAllListeners('error');
      server.on('error', () => {});
      const port = (server.address() as {port: number}).port;
      resolve({
        proto: 'tcp', hostIp: t.hostIp, hostPort: port,
        close: () => new Promise<void>((done) => {
          for (const s of live) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

interface Flow {
  socket: UdpSocket;
  timer: NodeJS.Timeout;
}

function openUdp(t: ProxyTarget): Promise<PortProxy> {
  const family = isIPv6(t.hostIp) ? 'udp6' : 'udp4';
  const listener = createSocket({type: family, reuseAddr: false});
  const flows = new Map<string, Flow>();
  const forget = (key: string) => {
    const f = flows.get(key);
    if (!f) return;
    flows.delete(key);
    clearTimeout(f.timer);
    f.socket.close();
  };
  listener.on('message', (msg, from) => {
    const key = `${from.address}|${from.port}`;
    let flow = flows.get(key);
    if (!flow) {
      if (flows.size >= maxUdpFlows) forget(flows.keys().next().value!);
      // One upstream socket per client, so the container's replies can be told apart and sent back.
      const socket = createSocket('udp4');
      socket.on('message', (reply, src) => {
        if (src.address !== t.targetIp || src.port !== t.targetPort) return;
        listener.send(reply, from.port, from.address);
        const f = flows.get(key);
        f?.timer.refresh();
      });
      socket.on('error', () => forget(key));
      flow = {socket, timer: setTimeout(() => forget(key), udpIdleMs).unref()};
      flows.set(key, flow);
    }
    flow.timer.refresh();
    flow.socket.send(msg, t.targetPort, t.targetIp);
  });
  return new Promise((resolve, reject) => {
    listener.once('error', (error: NodeJS.ErrnoException) => {
      listener.close();
      reject(bindError(error, t));
    });
    listener.bind({address: t.hostIp, port: t.hostPort, exclusive: true}, () => {
      listener.removeAllListeners('error');
      listener.on('error', () => {});
      resolve({
        proto: 'udp', hostIp: t.hostIp, hostPort: listener.address().port,
        close: () => new Promise<void>((done) => {
          for (const key of [...flows.keys()]) forget(key);
          listener.close(() => done());
        }),
      });
    });
  });
}
