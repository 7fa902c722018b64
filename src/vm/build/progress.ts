/** What `lab vm build` reports as it goes; the CLI prints it, --json keeps it off stdout. */
export type VmBuildStep = 'resolve' | 'download' | 'kernel' | 'initramfs' | 'debootstrap' | 'rootfs' | 'package' | 'disk' | 'cached' | 'done';

export interface VmBuildProgress {
  step: VmBuildStep;
  message: string;
}

export type Progress = (step: VmBuildStep, message: string) => void;

/**
 * Turns debootstrap's one line per package into one line per phase ("Retrieving", "Unpacking", ...) with how
 * many packages the previous phase handled, so the output stays a dozen lines.
 */
export function debootstrapSummarizer(progress: Progress): {line: (text: string) => void; end: () => void} {
  let verb = '';
  let count = 0;
  const flush = () => {
    if (verb && count > 1) progress('debootstrap', `${verb.toLowerCase()}: ${count} packages`);
  };
  return {
    line(text) {
      // Each package is "Retrieving" then "Validating": count the first, skip the second.
      if (text.startsWith('I: Validating ')) return;
      const m = /^I: (\S+) (.*)$/.exec(text);
      if (!m) {
        if (/^(W|E):/.test(text)) progress('debootstrap', text);
        return;
      }
      if (m[1] !== verb) {
        flush();
        verb = m[1]!;
        count = 0;
        progress('debootstrap', `${verb} ${m[2]}`);
      }
      count++;
    },
    end: flush,
  };
}
