import {Command, Flags} from '@oclif/core';
import {classTable, hostsFlag, isUserError, rosterFlag} from '../../class-vm-flags.js';

export default class ClassStart extends Command {
  static override summary = "Start a lab VM for every student of the roster on the libvirt hosts of lab-hosts.json";
  static override description = [
    'Each VM is placed on the host with the most free memory (counting the VMs placed before it), runs the lab VM image (uploaded to each host once, into its storage pool), and is ready when SSH answers with the host key generated for it and its container engine runs.',
    'Students log in with the SSH key of their roster row (the "ssh key" column of a plain CSV): ssh -p PORT root@HOST, with the known_hosts line `lab class status --json` prints. A VM that already exists is started if off and kept where it is.',
  ].join('\n');

  static override examples = ['<%= config.bin %> class start', '<%= config.bin %> class start --hosts /etc/lab/hosts.json --concurrency 8'];
  static override enableJsonFlag = true;
  static override flags = {
    ...rosterFlag,
    ...hostsFlag,
    concurrency: Flags.integer({description: 'VMs booted at once', default: 4, min: 1, max: 64}),
    'no-engine-wait': Flags.boolean({description: 'ready as soon as SSH answers, without waiting for the container engine'}),
  };

  async run() {
    const {flags} = await this.parse(ClassStart);
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {loadHostPool} = await import('../../../vm/libvirt/hosts.js');
    const {startClass} = await import('../../../lab/class-vms/class-vms.js');
    const {buildVmImage} = await import('../../../vm/build/index.js');
    const {progressReporter} = await import('../../ui/progress-bar.js');
    try {
      const roster = loadRoster(flags.roster);
      const hosts = loadHostPool(flags.hosts);
      const image = await buildVmImage({onProgress: (p) => this.jsonEnabled() || process.stderr.write(`${p.step}: ${p.message}\n`)});
      const bar = progressReporter();
      const started = performance.now();
      const vms = await startClass({
        roster,
        hosts,
        image,
        concurrency: flags.concurrency,
        waitForEngine: !flags['no-engine-wait'],
        onProgress: (done, total, item, ok, detail) => bar.update(done, total, item, ok, detail),
        onMessage: (m) => this.jsonEnabled() || process.stderr.write(`${m}\n`),
      });
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const failed = vms.filter((v) => v.state === 'failed').length;
      if (!this.jsonEnabled()) this.log(`${classTable(vms)}\n${vms.length - failed} of ${vms.length} VMs ready in ${seconds}s`);
      if (failed > 0) process.exitCode = 1;
      return {seconds, vms};
    } catch (error) {
      if (isUserError(error)) this.error((error as Error).message, {exit: 1});
      throw error;
    }
  }
}
