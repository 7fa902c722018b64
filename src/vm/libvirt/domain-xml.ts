/**
 * The libvirt domain of a lab VM, as a pure function of what it needs (so it can be tested): the same machine the
 * qemu provider starts — PVH direct kernel boot, a copy-on-write disk, a virtio RNG — under TCG (type 'qemu').
 *
 * Networking is qemu's user mode with an SSH port forward, as in the qemu provider (the guest's initramfs sets
 * 10.0.2.15 and the gateway 10.0.2.2). libvirt's own <interface type='user'> takes a <portForward> only with the
 * passt backend, which Debian 12's libvirt 9.0 does not know ("Invalid value for attribute 'type' in element
 * 'backend': 'passt'"), so the netdev goes in through libvirt's documented qemu:commandline passthrough.
 */
export interface DomainSpec {
  /** The libvirt domain name. */
  domain: string;
  machine: 'q35' | 'microvm' | 'pc';
  memoryMiB: number;
  cpus: number;
  /** Paths on the libvirt host. */
  kernel: string;
  initrd: string;
  disk: string;
  cmdline: string;
  /** Where the host listens for the VM's SSH (0.0.0.0 for students to reach it, 127.0.0.1 for the host only). */
  listen: string;
  sshPort: number;
  /** Free-form text libvirt keeps with the domain (the lab VM's name and its student). */
  description?: string;
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The qemu netdev argument that forwards the host's listen:port to the guest's port 22. */
export function userNetdev(listen: string, sshPort: number): string {
  return `user,id=labnet,ipv6=off,hostfwd=tcp:${listen}:${sshPort}-:22`;
}

/** Reads back the forwarded SSH port from a domain's XML (what `virsh dumpxml` prints), if it has one. */
export function sshPortOf(xml: string): number | undefined {
  const m = /hostfwd=tcp:[^:]*:(\d+)-:22/.exec(xml);
  return m ? Number(m[1]) : undefined;
}

export function domainXml(s: DomainSpec): string {
  if (s.machine === 'microvm') throw new Error('libvirt does not run the microvm machine type; the lab image must use q35 or pc');
  const e = xmlEscape;
  // virtio-net goes on the root bus at a fixed slot libvirt leaves free (it numbers its own devices from 0x1).
  const netDevice = s.machine === 'q35' ? 'virtio-net-pci,netdev=labnet,bus=pcie.0,addr=0x10' : 'virtio-net-pci,netdev=labnet,bus=pci.0,addr=0x10';
  return `<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>${e(s.domain)}</name>
  <description>${e(s.description ?? '')}</description>
  <memory unit='MiB'>${s.memoryMiB}</memory>
  <vcpu>${s.cpus}</vcpu>
  <os>
    <type arch='x86_64' machine='${s.machine}'>hvm</type>
    <kernel>${e(s.kernel)}</kernel>
    <initrd>${e(s.initrd)}</initrd>
    <cmdline>${e(s.cmdline)}</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='unsafe' discard='unmap'/>
      <source file='${e(s.disk)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
    <serial type='pty'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-netdev'/>
    <qemu:arg value='${e(userNetdev(s.listen, s.sshPort))}'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='${netDevice}'/>
  </qemu:commandline>
</domain>
`;
}
