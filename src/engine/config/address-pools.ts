/**
 * daemon.json "default-address-pools": where networks made without a subnet take one, as dockerd's key of that name
 * ([{"base": "10.10.0.0/16", "size": 24}] gives 10.10.0.0/24, 10.10.1.0/24, ...). Checked here so that a wrong pool
 * stops the engine at start-up with the key named, not at the first `docker network create`.
 */
import {ConfigError} from './daemon-config.js';

export interface AddressPool {
  /** The pool, e.g. 10.10.0.0/16 (written as given). */
  base: string;
  /** The prefix length of each subnet cut from it. */
  size: number;
}

export function addressPools(pools: AddressPool[] | undefined, configFile: string): AddressPool[] | undefined {
  if (!pools) return undefined;
  return pools.map((pool, i) => {
    const where = `${configFile}: key "default-address-pools[${i}]"`;
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(pool.base);
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const prefix = m ? Number(m[5]) : NaN;
    if (!m || octets.some((o) => o > 255) || prefix > 32) throw new ConfigError(`${where}: base "${pool.base}" is not an IPv4 CIDR such as 10.10.0.0/16`);
    if (pool.size < prefix) throw new ConfigError(`${where}: size ${pool.size} is larger than the pool ${pool.base} itself (give a size of at least ${prefix})`);
    const value = octets.reduce((a, o) => a * 256 + o, 0);
    const hostBits = 32 - prefix;
    if (hostBits < 32 && value % 2 ** hostBits !== 0) throw new ConfigError(`${where}: base "${pool.base}" has host bits set (the network is ${networkOf(value, prefix)}/${prefix})`);
    return {base: pool.base, size: pool.size};
  });
}

function networkOf(value: number, prefix: number): string {
  const net = value - (value % 2 ** (32 - prefix));
  return [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
}
