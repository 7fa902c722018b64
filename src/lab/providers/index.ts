/** Picks a provider by name. The VM and SSH providers are loaded only when asked for. */
import {LocalProvider} from './local.js';
import type {Provider} from './provider.js';

export type ProviderName = 'local' | 'qemu' | 'ssh';

export async function providerFor(name: ProviderName): Promise<Provider> {
  if (name === 'local') return new LocalProvider();
  const modulePath = `./${name}.js`;
  try {
    const mod = (await import(modulePath)) as Record<string, unknown>;
    const Ctor = Object.values(mod).find((v) => typeof v === 'function' && (v as {prototype?: {start?: unknown}}).prototype?.start) as (new () => Provider) | undefined;
    if (!Ctor) throw new Error(`no provider class in ${modulePath}`);
    return new Ctor();
  } catch (error) {
    throw new Error(`the ${name} provider is not available: ${(error as Error).message}`);
  }
}
