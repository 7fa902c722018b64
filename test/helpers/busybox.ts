/** The busybox base image archive, built once from Debian's busybox-static package (cached by recipe hash). */
import {buildImageArchive} from '../../src/debian-images/index.js';

export async function busyboxArchive(format: 'docker' | 'oci' = 'docker') {
  return buildImageArchive('busybox', {format});
}
