import {Command} from '@oclif/core';
import type {VmBuildProgress, VmImage} from '../../../vm/build/index.js';

export default class VmBuild extends Command {
  static override summary = 'Build the lab VM image (kernel, initramfs, base disk) from Debian packages';
  static override description = `Builds what \`lab vm start\` and \`lab start\` boot, from vm-images/vm/vm.json, using Debian packages only:
the kernel of linux-image-amd64 (its vmlinux uncompressed, for direct boot, and a few modules), a busybox
initramfs, and a debootstrap minbase root file system with SSH, runc, gcc, node, the docker CLI and this package,
as a compressed qcow2. Each step is cached under \${XDG_CACHE_HOME:-~/.cache}/lab/vm and rebuilt only when its
recipe, a package version, the host programs copied in or this package change. Needs root.`;
  static override examples = ['sudo <%= config.bin %> vm build', 'sudo <%= config.bin %> vm build --json'];
  static override enableJsonFlag = true;

  async run(): Promise<VmImage> {
    const {buildVmImage} = await import('../../../vm/build/index.js');
    const {default: chalk} = await import('chalk');
    const started = performance.now();
    // Progress goes to stderr so that --json output on stdout stays clean.
    const onProgress = (p: VmBuildProgress) => {
      if (!this.jsonEnabled()) process.stderr.write(`${chalk.cyan(p.step.padEnd(11))} ${p.message}\n`);
    };
    let image: VmImage;
    try {
      image = await buildVmImage({onProgress});
      // The started VM that lab VMs resume from (lab start, lab vm start); VMs boot when it cannot be made.
      const {ensureWarmState} = await import('../../../vm/machine/warm-state.js');
      await ensureWarmState(image, (message) => onProgress({step: 'done', message}));
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    if (!this.jsonEnabled()) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
      this.log(`${chalk.green('✓')} lab VM image ${chalk.dim(`(${image.cached ? 'cached' : `built in ${seconds}s`})`)}`);
      this.log(`  kernel     ${image.packages.kernel} → ${image.vmlinux} (${mib(image.sizes.vmlinux)})`);
      this.log(`  initramfs  ${image.initramfs} (${mib(image.sizes.initramfs)})`);
      this.log(`  base disk  ${image.base} (${mib(image.sizes.base)} compressed, ${image.sizes.virtualMiB} MiB virtual, ${image.packages.rootfs} packages)`);
      const served = image.courseRegistry?.images.flatMap((i) => i.tags).join(', ');
      if (served) this.log(`  registry   ${image.courseRegistry!.url} inside the VM, the engine's mirror: ${served}`);
    }
    return image;
  }
}
