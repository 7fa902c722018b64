/** lab start's engine check: asked over the environment, unless the provider saw the engine answer already. */
import test from 'ava';
import type {Environment, ExecResult} from '../../src/environment/environment.js';
import {ensureEngine} from '../../src/lab/session/prepare.js';

function environment(answers: ExecResult[], engineReady?: boolean): {env: Environment; asked: string[][]} {
  const asked: string[][] = [];
  const env = {
    provider: 'qemu', id: 'lab26', workdir: '/root/lab26', engineReady,
    exec: async (argv: string[]) => {
      asked.push(argv);
      const answer = answers.shift();
      if (!answer) throw new Error(`nothing more to answer: ${argv.join(' ')}`);
      return answer;
    },
  } as unknown as Environment;
  return {env, asked};
}

test('a VM whose console said its engine is ready is not asked again', async (t) => {
  const {env, asked} = environment([], true);
  await ensureEngine(env, () => undefined);
  t.deepEqual(asked, []);
});

test('otherwise the engine is asked for its version, and started when it does not answer', async (t) => {
  const up = environment([{code: 0, stdout: '1.45\n', stderr: ''}]);
  await ensureEngine(up.env, () => undefined);
  t.deepEqual(up.asked, [['docker', 'version', '--format', '{{.Server.APIVersion}}']]);
  const said: string[] = [];
  const down = environment([{code: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon'}, {code: 0, stdout: '', stderr: ''}]);
  await ensureEngine(down.env, (m) => said.push(m));
  t.is(down.asked.length, 2);
  t.deepEqual(down.asked[1]!.slice(-2), ['engine', 'start']);
  t.deepEqual(said, ['starting the container engine']);
});
