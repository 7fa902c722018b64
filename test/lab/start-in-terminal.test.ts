/**
 * A newcomer's first minutes, typed into a real terminal: `lab start 26`, the step text in their language,
 * the first step done with gcc, and `lab check` turning it green. Uses the engine on Docker's own paths (--provider local; the VM flow is in test/vm/).
 * The course registry is left out (LAB_COURSE_REGISTRY=off): it has its own tests, and lab 26 pulls nothing.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {labBin, runLab} from '../helpers/cli.js';
import {Terminal} from '../helpers/tmux.js';

test('lab start 26, read step 1 in Russian, do it, lab check shows it done', async (t) => {
  // The screen is given 10 minutes for lab start (images built from Debian packages on a cold cache), then 1.5 for check and hint.
  t.timeout(13 * 60_000, 'the newcomer\'s first minutes ran past 13 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'lab-newcomer-'));
  // The engine on Docker's paths outlives the lab by design; one this test started is stopped again at its end.
  const engineWasRunning = (JSON.parse((await runLab(['engine', 'status', '--json'])).stdout || '{}') as {running?: boolean}).running === true;
  const term = new Terminal(`alias lab='node ${labBin}'; cd ${dir} && bash --norc`, {XDG_STATE_HOME: join(dir, 'state'), LANG: 'ru_RU.UTF-8', NO_COLOR: '1', PS1: '$ ', LAB_COURSE_REGISTRY: 'off'});
  try {
    await term.waitFor(/^\$\s*$/m); // the shell's prompt: it reads what is typed from here on
    term.type(`node ${labBin} start 26 --provider local --dir ${dir}/lab26`, 'Enter');
    const screen = await term.waitFor(/Скомпилируйте hello\.c/, 600_000);
    t.regex(screen, /gcc -o hello_not_static hello\.c/);
    term.type(`clear; cd ${dir}/lab26 && gcc -o hello_not_static hello.c && node ${labBin} check`, 'Enter');
    const checked = await term.waitFor(/Score: \d+\/\d+/, 60_000);
    t.regex(checked, /✓ Скомпилируйте hello\.c/);
    t.regex(checked, /✗ Поместите его в образ FROM scratch/);
    t.regex(checked, /expected: an image FROM scratch/);
    term.type('clear; node ' + labBin + ' hint', 'Enter');
    const hint = await term.waitFor(/Hint 1\/\d+:/, 30_000);
    t.regex(hint, /Dockerfile/);
  } finally {
    term.close();
    // lab destroy runs the lab's cleanup: lab 26's audit rules on this machine go with it.
    const destroyed = await runLab(['destroy', '26'], {XDG_STATE_HOME: join(dir, 'state')});
    t.is(destroyed.code, 0, destroyed.stderr);
    if (!engineWasRunning) await runLab(['engine', 'stop']);
    rmSync(dir, {recursive: true, force: true});
  }
});
