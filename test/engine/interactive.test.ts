/** Interactive containers as a person uses them: typed into a real terminal (tmux) running the stock docker CLI. */
import test from 'ava';
import {busyboxArchive} from '../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {Terminal} from '../helpers/tmux.js';

let engine: TestEngine;
const terminals: Terminal[] = [];
const terminal = (command: string) => {
  const t = new Terminal(command, {DOCKER_HOST: engine.host});
  terminals.push(t);
  return t;
};

test.before(async () => {
  engine = await startTestEngine();
  const load = await engine.docker(['load', '-i', (await busyboxArchive()).path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  for (const t of terminals) t.close();
  await engine?.stop();
});

test.serial('docker run -it busybox sh: type, see the output, exit with a code', async (t) => {
  const term = terminal('docker run -it --rm busybox sh');
  await term.waitFor(/^\/ #\s*$/m);
  term.type('echo hi; stty size; exit 3', 'Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  t.regex(screen, /^hi$/m);
  t.regex(screen, /^30 100$/m, 'the terminal size reached the container');
  t.regex(screen, /EXIT=3/);
});

test.serial('ctrl-p ctrl-q detaches and docker attach gets the same shell back', async (t) => {
  const first = terminal('docker run -it --name keep busybox sh');
  await first.waitFor(/^\/ #\s*$/m);
  first.type('export MARK=same-shell', 'Enter');
  first.type('C-p', 'C-q');
  await first.waitFor(/EXIT=0/);
  const ps = await engine.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
  t.regex(ps.stdout, /^keep Up/m, 'still running after detach');

  const second = terminal('docker attach keep');
  // attach prints nothing of its own: press Enter until the shell's prompt shows that keys reach it.
  for (let i = 0; i < 40 && !/\/ #/.test(second.screen()); i++) {
    second.type('Enter');
    await new Promise((r) => setTimeout(r, 250));
  }
  second.type('echo mark=$MARK; exit 7', 'Enter');
  const screen = await second.waitFor(/EXIT=\d+/);
  t.regex(screen, /mark=same-shell/);
  t.regex(screen, /EXIT=7/);
  const info = JSON.parse((await engine.docker(['inspect', 'keep'])).stdout)[0];
  t.is(info.State.ExitCode, 7);
  await engine.docker(['rm', 'keep']);
});

test.serial('docker exec -it sees the container, not the host; exec exit codes and stdin', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'target', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const term = terminal('docker exec -it target sh');
  await term.waitFor(/^\/ #\s*$/m);
  term.type('echo "pid1=$(cat /proc/1/comm) host=$(hostname)"; exit 4', 'Enter');
  const screen = await term.waitFor(/EXIT=\d+/);
  t.regex(screen, new RegExp(`pid1=sleep host=${run.stdout.trim().slice(0, 12)}`));
  t.regex(screen, /EXIT=4/);

  t.is((await engine.docker(['exec', 'target', 'sh', '-c', 'exit 5'])).code, 5);
  const piped = await engine.docker(['exec', '-i', 'target', 'cat'], 'through stdin\n');
  t.is(piped.stdout, 'through stdin\n');
  const missing = await engine.docker(['exec', 'target', 'nosuch']);
  t.is(missing.code, 127);
  t.regex(missing.stdout + missing.stderr, /executable file not found/);
  t.is((await engine.docker(['exec', '-d', 'target', 'sleep', '77'])).code, 0);
  const top = await engine.docker(['top', 'target']);
  t.regex(top.stdout, /sleep 77/, 'top shows the exec\'d process');
  await engine.docker(['rm', '-f', 'target']);
});

test.serial('start -ai runs a stopped container again, attached', async (t) => {
  await engine.docker(['create', '-it', '--name', 'again', 'busybox', 'sh']);
  const term = terminal('docker start -ai again');
  await term.waitFor(/^\/ #\s*$/m);
  term.type('echo round-one; exit 0', 'Enter');
  await term.waitFor(/EXIT=0/);
  const second = terminal('docker start -ai again');
  await second.waitFor(/^\/ #\s*$/m);
  second.type('echo round-two; exit 2', 'Enter');
  const screen = await second.waitFor(/EXIT=\d+/);
  t.regex(screen, /round-two/);
  t.regex(screen, /EXIT=2/);
  const events = await engine.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=again', '--format', '{{.Action}}']);
  t.is(events.stdout.split('\n').filter((l) => l === 'start').length, 2, 'started twice, created once');
  t.is(events.stdout.split('\n').filter((l) => l === 'create').length, 1);
  await engine.docker(['rm', 'again']);
});
