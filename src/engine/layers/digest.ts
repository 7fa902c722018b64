import {createHash} from 'node:crypto';

/** "sha256:<hex>" of everything a stream yields, e.g. an exported layer (its DiffID). */
export async function sha256OfStream(stream: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
