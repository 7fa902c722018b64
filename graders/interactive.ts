/**
 * Concept: `docker run --rm -it -e VAR=value IMAGE ash` — a shell of the container's OS on your terminal (-i keeps
 * its input open, -t gives it a terminal), the environment variable set for it, and the container removed when
 * the shell exits (--rm). Read from the running container's configuration, while the shell is open, and from the
 * engine's events: the CLI attached before the start (with -d it never does).
 */
import {containerEvents} from './container-life.js';
import type {ContainerSnapshot, Snapshot} from './snapshot.js';
import {fail, grader, pass, text} from './types.js';

const short = (id: string) => id.slice(0, 12);
const runs = (c: ContainerSnapshot, program: string) => c.path === program || c.path.endsWith(`/${program}`);

/** The docker CLI attaches before it starts the container (docker run -it); with -d nothing attaches first. */
function attachedAtStart(snapshot: Snapshot, c: ContainerSnapshot): boolean {
  const ev = containerEvents(snapshot, c.id);
  const start = ev.find((e) => e.Action === 'start');
  return start !== undefined && ev.some((e) => e.Action === 'attach' && e.timeNano <= start.timeNano);
}

export const shellWithEnv = grader<{image: string; program: string; variable: string; value: string}>({
  type: 'object', additionalProperties: false, required: ['image', 'program', 'variable', 'value'],
  properties: {image: text, program: text, variable: text, value: text},
}, (snapshot, p) => {
  const setting = `${p.variable}=${p.value}`;
  const expected = `a running container of ${p.image} whose process is ${p.program}, started with --rm -it -e ${setting} on your terminal (not -d)`;
  const concept = 'docker run replaces the image\'s command with the one given (ash: the shell); -e puts a variable into its environment, -it makes it interactive, --rm removes the container when it exits.';
  const fromImage = snapshot.engine.containers.filter((c) => c.imageName === p.image || c.imageName === `${p.image}:latest`);
  const shells = fromImage.filter((c) => c.state.running && runs(c, p.program));
  if (shells.length === 0) {
    const other = fromImage.find((c) => c.state.running);
    return fail(other ? `container ${other.name} of ${p.image} runs ${other.path}, not ${p.program}` : `no container of ${p.image} runs ${p.program} now: keep the shell open while you run lab check in another terminal`, expected, concept);
  }
  const judged = shells.map((c) => {
    const value = (c.env ?? []).find((e) => e.startsWith(`${p.variable}=`));
    const why = !value ? `its environment has no ${p.variable} (-e ${setting})`
      : value !== setting ? `its environment has ${value}, not ${setting}`
      : !(c.tty && c.openStdin) ? `it was started without ${c.tty ? '-i (its input is closed)' : c.openStdin ? '-t (no terminal)' : '-i and -t'}`
      : !c.autoRemove ? 'it was started without --rm: it would stay behind, exited, after the shell ends'
      : !attachedAtStart(snapshot, c) ? 'it was started detached (-d): no terminal of yours was on the shell when it started (docker run --rm -it …, without -d)'
      : undefined;
    return {c, why};
  });
  const good = judged.find((j) => !j.why);
  if (good) return pass(`container ${good.c.name} (${short(good.c.id)}) runs ${p.program} with a terminal, ${setting} and --rm`, expected, concept, {containerId: good.c.id});
  const {c, why} = judged[0];
  return fail(`container ${c.name} (${short(c.id)}) runs ${p.program}, but ${why}`, expected, concept, {containerId: c.id, env: c.env});
});
