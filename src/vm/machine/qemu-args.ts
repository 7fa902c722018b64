/** The qemu command line of a lab VM, as a pure function of what the VM needs (so it can be tested). */
export interface QemuLaunch {
  name: string;
  accel: 'kvm' | 'tcg';
  machine: 'q35' | 'microvm' | 'pc';
  memoryMiB: number;
  cpus: number;
  vmlinux: string;
  initrd: string;
  cmdline: string;
  disk: string;
  sshPort: number;
  serialLog: string;
  pidfile: string;
  /**
   * The warm state's extras: the seed disk a resumed VM reads its identity from, qemu's QMP socket, and where
   * to resume from (qemu's -incoming). A VM resumes from a saved one only with the same devices, so the saving
   * boot and every resume pass the same seed and qmp.
   */
  warm?: {seed: string; qmp: string; incoming?: string};
}

export function qemuArgs(l: QemuLaunch): string[] {
  // microvm has virtio-mmio only; the PC machines take the PCI variants.
  const dev = (kind: string) => (l.machine === 'microvm' ? `virtio-${kind}-device` : `virtio-${kind}-pci`);
  return [
    '-name', `lab-${l.name}`,
    '-machine', l.machine,
    '-accel', l.accel,
    ...(l.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(l.memoryMiB),
    '-smp', String(l.cpus),
    '-nodefaults', '-no-user-config', '-display', 'none', '-vga', 'none',
    // A poweroff inside the guest ends qemu; a reboot request does too, rather than looping.
    '-no-reboot',
    '-kernel', l.vmlinux,
    '-initrd', l.initrd,
    '-append', l.cmdline,
    // unsafe: guest flushes are not forced to the host disk; the overlay is disposable.
    '-drive', `id=root,file=${l.disk},format=qcow2,if=none,cache=unsafe,discard=unmap`,
    '-device', `${dev('blk')},drive=root`,
    '-netdev', `user,id=net0,ipv6=off,hostfwd=tcp:127.0.0.1:${l.sshPort}-:22`,
    '-device', `${dev('net')},netdev=net0`,
    // Without an entropy source the first SSH handshake waits for the guest's random pool.
    '-device', dev('rng'),
    '-chardev', `file,id=serial0,path=${l.serialLog}`,
    '-serial', 'chardev:serial0',
    '-pidfile', l.pidfile,
    ...(l.warm
      ? [
          // The seed: raw, read-only to the guest, which reads it with O_DIRECT as the host writes it.
          '-drive', `id=seed,file=${l.warm.seed},format=raw,if=none,readonly=on`,
          '-device', `${dev('blk')},drive=seed`,
          // A new generation ID at every resume makes the guest's kernel reseed its random generator.
          ...(l.machine === 'microvm' ? [] : ['-device', 'vmgenid,guid=auto']),
          '-qmp', `unix:${l.warm.qmp},server=on,wait=off`,
          ...(l.warm.incoming ? ['-incoming', l.warm.incoming] : []),
        ]
      : []),
  ];
}
