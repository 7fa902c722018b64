/** Reading an image config (model/image-config.ts) from its bytes. */
import type {ImageConfig} from '../model/image-config.js';

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
  return c;
}
