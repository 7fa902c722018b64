/**
 * Lab VMs on the department's libvirt hosts (lab-hosts.json): the qemu provider's image, keys and readiness, the
 * VM defined and run by libvirtd (locally or over qemu+ssh), placed on the host with the most free memory.
 */
import type {Environment} from '../../environment/environment.js';
import type {VmImage} from '../../vm/build/index.js';
import {type HostPool, hostsByFreeMemory, loadHostPool, pickHost} from '../../vm/libvirt/hosts.js';
import {connectLibvirtVm, destroyLibvirtVm, startLibvirtVm, stopLibvirtVm} from '../../vm/libvirt/machine.js';
import {type LibvirtVmRecord, readLibvirtRecord} from '../../vm/libvirt/record.js';
import {domainState} from '../../vm/libvirt/virsh.js';
import {SshEnvironment} from '../../vm/ssh/environment.js';
import type {Provider, ProviderStartOptions, StopOutcome} from './provider.js';

export interface LibvirtProviderOptions {
  /** The hosts; default: lab-hosts.json (or $LAB_HOSTS). */
  hosts?: HostPool;
  image?: VmImage;
  skipEngineWait?: boolean;
}

export class LibvirtProvider implements Provider {
  readonly kind = 'libvirt' as const;

  constructor(private readonly options: LibvirtProviderOptions = {}) {}

  async start(opts: ProviderStartOptions): Promise<Environment> {
    const existing = await readLibvirtRecord(opts.name);
    // A VM made before stays where it was placed, with its size: lab-hosts.json is read only to place a new one.
    const pool = existing ? undefined : (this.options.hosts ?? loadHostPool());
    const host = existing?.host ?? pickHost(await hostsByFreeMemory(pool!.hosts), new Map());
    const image = this.options.image ?? (await (await import('../../vm/build/index.js')).buildVmImage({onProgress: (p) => opts.onProgress?.(`${p.step}: ${p.message}`)}));
    const started = await startLibvirtVm(opts.name, {
      host,
      image,
      workdir: opts.workdir,
      memoryMiB: pool ? pool.vm.memoryMiB : existing!.memoryMiB,
      cpus: pool ? pool.vm.cpus : existing!.cpus,
      waitForEngine: !this.options.skipEngineWait,
      onProgress: opts.onProgress,
    });
    if (started.engine === 'failed') throw new Error(`the container engine in VM ${opts.name} on ${host.name} did not start; the VM keeps running (see /var/log/lab-engine-start.log inside)`);
    const env = await this.open(started.record, opts.workdir);
    const made = await env.exec(['mkdir', '-p', '--', opts.workdir]);
    if (made.code !== 0) {
      await env.close();
      throw new Error(`cannot create ${opts.workdir} in VM ${opts.name}: ${made.stderr.trim()}`);
    }
    return env;
  }

  async connect(name: string, workdir?: string): Promise<Environment | undefined> {
    const record = await readLibvirtRecord(name);
    if (!record || (await domainState(record.host.uri, record.domain)) !== 'running') return undefined;
    return this.open(record, workdir ?? record.workdir);
  }

  async stop(name: string): Promise<StopOutcome> {
    return stopLibvirtVm(name);
  }

  async destroy(name: string): Promise<boolean> {
    return destroyLibvirtVm(name);
  }

  private async open(record: LibvirtVmRecord, workdir: string): Promise<SshEnvironment> {
    return new SshEnvironment({provider: 'libvirt', id: record.name, workdir, connection: await connectLibvirtVm(record)});
  }
}
