/**
 * The bridge driver's options (`docker network create -o`) that change what labd builds: the bridge's name,
 * the MTU of the bridge and of every container interface on it, and whether its containers may talk to each
 * other (enable_icc=false isolates each container's port on the bridge, so only the host side is reachable —
 * what dockerd's iptables rule does). enable_ip_masquerade and host_binding_ipv4 are kept and shown as sent:
 * labd makes no NAT rules, as dockerd with iptables off.
 */
import {invalidArgument} from '../errors.js';

export const bridgeNameOption = 'com.docker.network.bridge.name';
const mtuOption = 'com.docker.network.driver.mtu';
const iccOption = 'com.docker.network.bridge.enable_icc';
const boolOptions = [iccOption, 'com.docker.network.bridge.enable_ip_masquerade'];

/** Go's strconv.ParseBool, which dockerd reads these options with. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Refuses options whose values cannot be applied, naming the option and what it takes. */
export function checkDriverOptions(options: Record<string, string>): void {
  const mtu = options[mtuOption];
  if (mtu !== undefined && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535)) {
    throw invalidArgument(`invalid value "${mtu}" for option ${mtuOption}: expected an MTU in bytes between 68 and 65535`);
  }
  for (const key of boolOptions) {
    const value = options[key];
    if (value !== undefined && parseGoBool(value) === undefined) throw invalidArgument(`invalid value "${value}" for option ${key}: expected true or false`);
  }
  const name = options[bridgeNameOption];
  if (name !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(name)) {
    throw invalidArgument(`invalid value "${name}" for option ${bridgeNameOption}: expected an interface name of at most 15 letters, digits, '_', '.' or '-'`);
  }
}

/** The MTU the network's interfaces get, when one was asked for. */
export function mtuOf(options: Record<string, string> | undefined): number | undefined {
  const mtu = options?.[mtuOption];
  return mtu === undefined || mtu === '0' ? undefined : Number(mtu);
}

/** Whether containers on the network are kept from reaching each other. */
export const interContainerBlocked = (options: Record<string, string> | undefined) => parseGoBool(options?.[iccOption] ?? 'true') === false;
