/** Whether qemu can use KVM on this machine, or must emulate (TCG): what the VM start and `lab doctor` both report. */
import {accessSync, constants, existsSync, readFileSync} from 'node:fs';

export type Accelerator = {accel: 'kvm' | 'tcg'; reason: string};

/**
 * KVM can be present and still unusable: a nested "pvm" KVM runs no stock Debian kernel, and qemu's
 * `-accel kvm -accel tcg` does not fall back once KVM opens. So decide from the hardware flags and the module.
 */
export function detectAccelerator(): Accelerator {
  if (!existsSync('/dev/kvm')) return {accel: 'tcg', reason: '/dev/kvm does not exist'};
  if (existsSync('/sys/module/kvm_pvm')) return {accel: 'tcg', reason: 'KVM is the nested kvm_pvm kind, which cannot boot a stock kernel'};
  const cpuinfo = readCpuinfo();
  if (!/^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo)) return {accel: 'tcg', reason: 'the CPU has no vmx/svm flag'};
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return {accel: 'tcg', reason: '/dev/kvm is not readable and writable by this user'};
  }
  return {accel: 'kvm', reason: 'vmx/svm present and /dev/kvm usable'};
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}
