/** A small method + path router. `{name}` matches one segment; `{name*}` matches the rest, slashes included (image names). */
import type {IncomingMessage, ServerResponse} from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Set when the client asked to upgrade the connection (attach, exec start). */
  upgrade?: {socket: import('node:stream').Duplex; head: Buffer};
  params: Record<string, string>;
  query: URLSearchParams;
  version: string;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(\*?)\}/g, (_, name: string, rest: string) => {
      names.push(name);
      return rest ? '(.+)' : '([^/]+)';
    });
    this.routes.push({method, regex: new RegExp(`^${source}$`), names, handler});
    return this;
  }

  get = (pattern: string, handler: Handler) => this.add('GET', pattern, handler);
  post = (pattern: string, handler: Handler) => this.add('POST', pattern, handler);
  delete = (pattern: string, handler: Handler) => this.add('DELETE', pattern, handler);
  head = (pattern: string, handler: Handler) => this.add('HEAD', pattern, handler);

  /** The route for this request, or why there is none (404 for no path, 405 for a path without that method). */
  match(method: string, path: string): {handler: Handler; params: Record<string, string>} | {status: 404 | 405} {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return {handler: route.handler, params};
    }
    return {status: pathMatched ? 405 : 404};
  }
}
