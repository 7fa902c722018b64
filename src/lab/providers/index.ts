/** Picks a provider by name. The VM, libvirt and SSH providers are loaded only when asked for. */
import {LocalProvider} from './local.js';
import type {Provider} from './provider.js';
import type {SshTarget} from './ssh-target.js';

export type ProviderName = 'local' | 'qemu' | 'ssh' | 'libvirt';

export async function providerFor(name: ProviderName, ssh?: SshTarget): Promise<Provider> {
  switch (name) {
    case 'local':
      return new LocalProvider();
    case 'qemu': {
      const {QemuProvider} = await import('./qemu.js');
      return new QemuProvider();
    }
    case 'libvirt': {
      const {LibvirtProvider} = await import('./libvirt.js');
      return new LibvirtProvider();
    }
    case 'ssh': {
      if (!ssh) throw new Error('the ssh provider needs a machine: --host [user@]host[:port] --key PATH');
      const {SshProvider} = await import('./ssh.js');
      return new SshProvider(ssh);
    }
    default:
      throw new Error(`unknown provider "${String(name)}" (known: local, qemu, ssh, libvirt)`);
  }
}
