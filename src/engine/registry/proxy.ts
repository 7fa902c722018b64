/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY as Go's http.ProxyFromEnvironment reads them, which is what dockerd
 * honours: an https URL goes through the proxy by an HTTP CONNECT tunnel, an http URL by an absolute-form
 * request through a tunnel as well (the proxy sees the host either way).
 */
import {Agent as HttpAgent, request as httpRequest} from 'node:http';
import {Agent as HttpsAgent} from 'node:https';
import type {Duplex} from 'node:stream';
import {connect as tlsConnect} from 'node:tls';
import type {TlsSettings} from './endpoint.js';

const env = (name: string) => process.env[name] ?? process.env[name.toLowerCase()];

/** Whether NO_PROXY exempts the host (`*`, exact names, `.suffix` or `suffix` domains, host:port). */
export function bypassesProxy(url: URL, noProxy = env('NO_PROXY') ?? ''): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (raw === '*') return true;
    const [name, p] = raw.includes(':') && !raw.includes(']') && raw.split(':').length === 2 ? raw.split(':') : [raw, undefined];
    if (p && p !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function proxyUrl(url: URL): URL | undefined {
  const value = url.protocol === 'https:' ? env('HTTPS_PROXY') : env('HTTP_PROXY');
  if (!value || bypassesProxy(url)) return undefined;
  // Go's rule: loopback is never proxied.
  if (url.hostname === 'localhost' || /^127\./.test(url.hostname) || url.hostname === '[::1]') return undefined;
  return new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`);
}

function tunnel(proxy: URL, target: URL, callback: (error: Error | null, socket?: Duplex) => void): void {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const headers: Record<string, string> = {host: `${target.hostname}:${port}`};
  if (proxy.username) headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  const req = httpRequest({host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${target.hostname}:${port}`, headers});
  req.on('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      callback(new Error(`proxyconnect tcp: the proxy ${proxy.host} answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      return;
    }
    callback(null, socket);
  });
  req.on('error', (error) => callback(new Error(`proxyconnect tcp: ${error.message}`)));
  req.end();
}

/** An agent that tunnels through the environment's proxy, or undefined (node's default) when none applies. */
export function proxyAgentFor(url: URL, tls: TlsSettings): HttpAgent | undefined {
  const proxy = proxyUrl(url);
  if (!proxy) return undefined;
  if (url.protocol === 'https:') {
    const agent = new HttpsAgent({keepAlive: false});
    agent.createConnection = ((_options: unknown, callback: (error: Error | null, socket?: Duplex) => void) => {
      tunnel(proxy, url, (error, socket) => {
        if (error || !socket) return callback(error);
        const secured = tlsConnect({socket, servername: url.hostname, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized});
        secured.once('secureConnect', () => callback(null, secured));
        secured.once('error', (e) => callback(e));
      });
      return undefined;
    }) as unknown as HttpsAgent['createConnection'];
    return agent;
  }
  const agent = new HttpAgent({keepAlive: false});
  agent.createConnection = ((_options: unknown, callback: (error: Error | null, socket?: Duplex) => void) => {
    tunnel(proxy, url, callback);
    return undefined;
  }) as unknown as HttpAgent['createConnection'];
  return agent;
}
