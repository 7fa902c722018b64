/** Writing Docker-shaped responses: JSON bodies, JSON-lines progress streams, and error bodies. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {invalidArgument, systemError} from '../errors.js';
import {goJsonSyntaxError} from './go-json-error.js';
import {httpStatus} from './errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
  res.end(text);
}

export function sendNoContent(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

export function sendError(res: ServerResponse, error: unknown): void {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (res.headersSent) {
    // Mid-stream: the status is gone; a JSON-lines stream carries the error as Docker's jsonmessage does.
    if (!res.writableEnded) res.end(JSON.stringify({errorDetail: {message}, error: message}) + '\n');
    return;
  }
  sendJson(res, status, {message});
}

/** A JSON-lines stream (load, build, events): headers go out at once so the client starts reading. */
export function openJsonStream(res: ServerResponse): (message: unknown) => void {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.flushHeaders();
  return (message) => {
    if (!res.writableEnded) res.write(JSON.stringify(message) + '\n');
  };
}

const maxJsonBody = 8 * 1024 * 1024;

export async function readJsonBody<T>(req: IncomingMessage): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxJsonBody) throw invalidArgument('request body is too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw invalidArgument(`invalid JSON in request body: ${(error as Error).message}`);
  }
}

/** Docker's boolean query values: "1", "true", "True" are true. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && /^(1|true|yes)$/i.test(v);
}

/** `filters={"dangling":{"true":true}}` (and the old `{"dangling":["true"]}` form) → name → values. */
export function parseFilters(query: URLSearchParams): Map<string, string[]> {
  const raw = query.get('filters');
  const filters = new Map<string, string[]>();
  if (!raw) return filters;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw systemError(goJsonSyntaxError(raw));
  }
  if (typeof data !== 'object' || data === null) throw invalidArgument(`invalid filter: ${raw}`);
  for (const [name, values] of Object.entries(data as Record<string, unknown>)) {
    if (Array.isArray(values)) filters.set(name, values.map(String));
    else if (values && typeof values === 'object') filters.set(name, Object.keys(values).filter((k) => (values as Record<string, unknown>)[k]));
    else throw invalidArgument(`invalid filter '${name}'`);
  }
  return filters;
}

export function checkFilterNames(filters: Map<string, string[]>, allowed: string[]): void {
  for (const name of filters.keys()) {
    if (!allowed.includes(name)) throw invalidArgument(`invalid filter '${name}'`);
  }
}
