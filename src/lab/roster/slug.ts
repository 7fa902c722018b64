/**
 * A student id as part of a file name. Ids are kept exactly as given (`antonín.dvořák`, `王小明`); file names are
 * derived from them: the id's letters without accents, lower case, anything else as "_", then a hash of the whole
 * id, so two ids never share a file and no id can reach outside the folder ("../x" becomes "x-<hash>").
 */
import {createHash} from 'node:crypto';

export function fileSlug(id: string): string {
  const ascii = id.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^[._-]+|[._-]+$/g, '').slice(0, 40);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8);
  return ascii ? `${ascii}-${hash}` : hash;
}
