/** What `lab vm build` reports as it goes; the CLI prints it, --json keeps it off stdout. */
export type VmBuildStep = 'resolve' | 'download' | 'kernel' | 'initramfs' | 'debootstrap' | 'registry' | 'rootfs' | 'package' | 'disk' | 'cached' | 'done';

export interface VmBuildProgress {
  step: VmBuildStep;
  message: string;
}

export type Progress = (step: VmBuildStep, message: string) => void;

/** debootstrap's per-package verbs; every other line is a step of its own and is shown as it is. */
const PER_PACKAGE = new Set(['Retrieving', 'Validating', 'Extracting', 'Unpacking', 'Configuring']);

/**
 * Turns debootstrap's one line per package into one line per phase ("Retrieving adduser ...", then "retrieving:
 * 134 packages"), so the output stays a couple of dozen lines.
 */
export function debootstrapSummarizer(progress: Progress): {line: (text: string) => void; end: () => void} {
  let verb = '';
  let count = 0;
  const flush = () => {
    if (verb && count > 1) progress('debootstrap', `${verb.toLowerCase()}: ${count} packages`);
    verb = '';
    count = 0;
  };
  return {
    line(text) {
      const m = /^I: (\S+) ?(.*)$/.exec(text);
      if (!m) {
        if (/^(W|E):/.test(text)) progress('debootstrap', text);
        return;
      }
      const [, word, rest] = m;
      // Each package is "Retrieving" then "Validating": count the first, skip the second.
      if (word === 'Validating') return;
      // "Unpacking required packages..." heads a phase; "Unpacking adduser..." is one package of it.
      const heading = /\s/.test(rest!.trim()) && rest!.endsWith('...');
      if (!PER_PACKAGE.has(word!) || heading) {
        flush();
        progress('debootstrap', `${word} ${rest}`.trim());
        return;
      }
      if (word !== verb) {
        flush();
        verb = word!;
        progress('debootstrap', `${word} ${rest}`.trim());
      }
      count++;
    },
    end: flush,
  };
}
