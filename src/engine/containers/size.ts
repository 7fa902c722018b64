/** A container's sizes as Docker reports them (`ps -s`, `inspect -s`, `system df`): what it changed, and that plus its image. */
import type {ImageStore} from '../images/image-store.js';
import {diffSize} from '../layers/index.js';
import type {ContainerRecord} from '../model/container.js';
import {rwLayerPaths} from './rw-layer.js';

export async function containerSizes(c: ContainerRecord, images: ImageStore): Promise<{SizeRw: number; SizeRootFs: number}> {
  // A container removed meanwhile has no upper dir left: it counts as 0.
  const sizeRw = await diffSize(rwLayerPaths(images.layers, c.MountID).upper).catch(() => 0);
  const image = images.find(c.Image);
  return {SizeRw: sizeRw, SizeRootFs: sizeRw + (image ? images.size(image) : 0)};
}
