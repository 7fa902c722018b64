/**
 * /info's RegistryConfig as dockerd builds it from registry-mirrors and insecure-registries: docker.io is the
 * official index with the mirrors, each insecure host[:port] an index of its own, each insecure CIDR a range.
 */
import {isIP} from 'node:net';
import type {RegistryOptions} from '../../registry/options.js';

interface IndexConfig {
  Name: string;
  Mirrors: string[];
  Secure: boolean;
  Official: boolean;
}

/** dockerd keeps a mirror as a URL with a path, `https://m.example/`. */
const normalisedMirror = (m: string) => (m.endsWith('/') ? m : `${m}/`);

const isCidr = (entry: string) => entry.includes('/') && isIP(entry.split('/')[0]!) !== 0;

export function registryConfigView(options: Pick<RegistryOptions, 'mirrors' | 'insecure'>) {
  const mirrors = options.mirrors.map(normalisedMirror);
  const indexConfigs: Record<string, IndexConfig> = {'docker.io': {Name: 'docker.io', Mirrors: mirrors, Secure: true, Official: true}};
  for (const entry of options.insecure.filter((i) => !isCidr(i))) indexConfigs[entry] = {Name: entry, Mirrors: [], Secure: false, Official: false};
  const cidrs = ['127.0.0.0/8', ...options.insecure.filter(isCidr).filter((c) => c !== '127.0.0.0/8')];
  return {IndexConfigs: indexConfigs, InsecureRegistryCIDRs: cidrs, Mirrors: mirrors};
}
