/** The package list lives in common/ so that the VM build installs the same packages doctor checks. */
export * from '../../common/system-packages.js';
