/** The daemon's log, in dockerd's logfmt shape: time="..." level=info msg="...". */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const order: Record<LogLevel, number> = {debug: 0, info: 1, warn: 2, error: 3, fatal: 4};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (order[at] < order[level]) return;
    const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(typeof v === 'string' ? v : String(v))}`);
    write(`time="${new Date().toISOString()}" level=${at} msg=${JSON.stringify(msg)}${extra.join('')}\n`);
  };
  return {debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error')};
}
