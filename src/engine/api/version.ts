/** API version negotiation: the docker CLI pings, reads Api-Version, then prefixes every path with /v<version>. */
import {invalidArgument} from '../errors.js';

export const maxApiVersion = '1.50';
export const minApiVersion = '1.41';

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** Splits `/v1.44/images/json` into its version and the route path; unversioned paths get the newest version. */
export function splitVersion(pathname: string): {version: string; path: string} {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(pathname);
  if (!m) return {version: maxApiVersion, path: pathname};
  const version = m[1];
  if (compareVersions(version, minApiVersion) < 0) {
    throw invalidArgument(`client version ${version} is too old. Minimum supported API version is ${minApiVersion}, please upgrade your client to a newer version`);
  }
  if (compareVersions(version, maxApiVersion) > 0) {
    throw invalidArgument(`client version ${version} is too new. Maximum supported API version is ${maxApiVersion}`);
  }
  return {version, path: m[2] ?? '/'};
}
