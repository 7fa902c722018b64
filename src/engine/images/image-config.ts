/** Reading an image config (model/image-config.ts) from its bytes. */
import type {ContainerConfig, ImageConfig} from '../model/image-config.js';
import {goContainerConfig} from './config-shape.js';

/** Checks the parts of a config the engine relies on; the message names what is wrong. */
export function parseImageConfig(raw: Buffer, where: string): ImageConfig {
  let data: unknown;
  try {
    data = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new Error(`${where}: image config is not valid JSON: ${(error as Error).message}`);
  }
  const c = data as ImageConfig;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error(`${where}: image config must be a JSON object`);
  if (!c.rootfs || c.rootfs.type !== 'layers' || !Array.isArray(c.rootfs.diff_ids)) {
    throw new Error(`${where}: image config has no rootfs.diff_ids (type "layers")`);
  }
  for (const [i, d] of c.rootfs.diff_ids.entries()) {
    if (typeof d !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d)) throw new Error(`${where}: rootfs.diff_ids[${i}] is not a sha256 digest`);
  }
  for (const key of ['config', 'container_config'] as const) {
    const raw = c[key] as unknown;
    if (raw === undefined || raw === null) continue;
    // Checked as dockerd's decoder would; a one-string Cmd, Entrypoint or Shell is read as the list it means.
    const shaped = goContainerConfig(raw, `${where}: ${key}`);
    const own = raw as ContainerConfig;
    for (const list of ['Cmd', 'Entrypoint', 'Shell'] as const) if (typeof own[list] === 'string') own[list] = shaped[list] as string[];
  }
  return c;
}
