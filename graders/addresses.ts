/** Whether an address or a host name stays on this machine (loopback): what "not exposed to the network" means. */

/** An address as the kernel's socket table gives it (127.x.x.x, ::1, or IPv4 on a dual-stack socket). */
export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** A host as a daemon address names it (tcp://localhost:2375, tcp://[::1]:2375). */
export const isLoopbackName = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';
