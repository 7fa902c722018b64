/**
 * An image's container config as dockerd holds it: Go's container.Config, where a key the JSON lacks is the
 * field's zero value (null for lists and maps, "" and false) and the omitempty fields are left out when empty.
 * Images made by `docker import` or by other tools carry nulls and missing keys; every reader goes through this.
 */
import type {ContainerConfig} from '../model/image-config.js';

/** Go's strslice: Cmd, Entrypoint and Shell may be written as one string, which means a list of one. */
function strSlice(value: unknown, where: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new Error(`${where}: must be a string or a list of strings`);
}

function stringList(value: unknown, where: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new Error(`${where}: must be a list of strings`);
}

function objectMap<T>(value: unknown, where: string, valueOk: (v: unknown) => boolean): Record<string, T> | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(valueOk)) return value as Record<string, T>;
  throw new Error(`${where}: must be an object`);
}

function text(value: unknown, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new Error(`${where}: must be a string`);
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The config with every field in its Go type, in Go's field order; throws (naming the field) on a value of the
 * wrong type, which dockerd could not have unmarshalled either.
 */
export function goContainerConfig(raw: unknown, where: string): ContainerConfig {
  if (!isObject(raw)) throw new Error(`${where}: must be an object`);
  const c = raw as Record<string, unknown>;
  const at = (key: string) => `${where}.${key}`;
  const out: ContainerConfig = {
    Hostname: text(c.Hostname, at('Hostname')),
    Domainname: text(c.Domainname, at('Domainname')),
    User: text(c.User, at('User')),
    AttachStdin: Boolean(c.AttachStdin),
    AttachStdout: Boolean(c.AttachStdout),
    AttachStderr: Boolean(c.AttachStderr),
  };
  const ports = objectMap<object>(c.ExposedPorts, at('ExposedPorts'), isObject);
  if (ports && Object.keys(ports).length > 0) out.ExposedPorts = ports;
  out.Tty = Boolean(c.Tty);
  out.OpenStdin = Boolean(c.OpenStdin);
  out.StdinOnce = Boolean(c.StdinOnce);
  out.Env = stringList(c.Env, at('Env')) as string[];
  out.Cmd = strSlice(c.Cmd, at('Cmd'));
  if (c.Healthcheck !== undefined && c.Healthcheck !== null) {
    if (!isObject(c.Healthcheck)) throw new Error(`${at('Healthcheck')}: must be an object`);
    out.Healthcheck = c.Healthcheck;
  }
  if (c.ArgsEscaped) out.ArgsEscaped = true;
  out.Image = text(c.Image, at('Image'));
  out.Volumes = objectMap<object>(c.Volumes, at('Volumes'), isObject);
  out.WorkingDir = text(c.WorkingDir, at('WorkingDir'));
  out.Entrypoint = strSlice(c.Entrypoint, at('Entrypoint'));
  if (c.NetworkDisabled) out.NetworkDisabled = true;
  if (c.MacAddress) out.MacAddress = text(c.MacAddress, at('MacAddress'));
  out.OnBuild = stringList(c.OnBuild, at('OnBuild'));
  out.Labels = objectMap<string>(c.Labels, at('Labels'), (v) => typeof v === 'string');
  if (c.StopSignal) out.StopSignal = text(c.StopSignal, at('StopSignal'));
  if (typeof c.StopTimeout === 'number') out.StopTimeout = c.StopTimeout;
  const shell = strSlice(c.Shell, at('Shell'));
  if (shell && shell.length > 0) out.Shell = shell;
  return out;
}
