/**
 * A session's parameters: values a lab declares once (lab.json "params") and every text, check and script of
 * that session shares — a random token that makes each student's image their own, or the TCP port the daemon
 * must listen on, which the self-test moves off 2375 so it never meets a real engine on a shared machine.
 */
import {randomBytes, randomInt} from 'node:crypto';
import {fill} from '../render/text.js';
import type {Exercise} from '../exercises/types.js';

export type Params = Record<string, string>;

/** The self-test's private directory and a TCP port free on this machine right now. */
export interface SelfTestPlace {
  dir: string;
  freePort: number;
}

export function makeParams(ex: Pick<Exercise, 'params'>, selfTest?: SelfTestPlace): Params {
  const out: Params = {};
  for (const [name, def] of Object.entries(ex.params ?? {})) {
    if (selfTest && def.selfTest) out[name] = fill(def.selfTest, {selftest: selfTest.dir, freePort: selfTest.freePort, params: out});
    else if (def.random === 'hex') out[name] = randomBytes(Math.ceil((def.length ?? 8) / 2)).toString('hex').slice(0, def.length ?? 8);
    // An address octet that is neither a network's nor a broadcast address: 10.200.<octet>.0/24 is the student's own.
    else if (def.random === 'octet') out[name] = String(randomInt(2, 254));
    else out[name] = fill(def.value ?? '', {params: out});
  }
  return out;
}

/** $LAB_PARAM_TCP_PORT for params.tcpPort: how scripts see the parameters. */
export function paramEnv(params: Params = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`LAB_PARAM_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, v]));
}

