import {Args, Command, Flags} from '@oclif/core';

export default class Reset extends Command {
  static override summary = 'Back to a clean start: removes the lab\'s containers and images, restores its files (and the engine\'s configuration, for labs that change it), forgets progress';
  static override args = {lab: Args.string({description: 'which lab, as given to lab start (default: the one started last)'})};
  static override flags = {
    lab: Flags.string({description: 'which lab (the same as the argument)'}),
    force: Flags.boolean({char: 'f', description: 'do not ask'}),
  };

  async run() {
    const {args, flags} = await this.parse(Reset);
    const {openLab, saveLab} = await import('../lab-context.js');
    const {ensureEngine, prepareFiles, prepareImages, run} = await import('../../lab/session/prepare.js');
    const {session, exercise, env} = await openLab(args.lab ?? flags.lab);
    if (!flags.force && process.stdin.isTTY) {
      const {createInterface} = await import('node:readline/promises');
      const rl = createInterface({input: process.stdin, output: process.stdout});
      const answer = await rl.question(`Remove every container and image of lab ${exercise.id} and your files in ${session.workdir}? [y/N] `);
      rl.close();
      if (!/^y/i.test(answer)) return;
    }
    // A daemon the student reconfigured (or broke) goes back to the lab's start before anything else needs it.
    if (exercise.service && session.serviceFiles) {
      const {restoreServiceFiles} = await import('../../lab/session/service-files.js');
      await restoreServiceFiles(env, session.serviceFiles, (m) => this.log(m));
    }
    await ensureEngine(env, (m) => this.log(m), exercise.service);
    const ids = (await run(env, ['docker', 'ps', '-aq'], 'docker ps')).split('\n').filter(Boolean);
    if (ids.length > 0) await run(env, ['docker', 'rm', '-f', ...ids], 'removing containers');
    await run(env, ['docker', 'image', 'prune', '-af'], 'removing images');
    // Overlays mounted by hand in the work dir go first: removing files through a mount would reach its layers.
    await run(env, ['sh', '-c', 'w=$(realpath -m "$1"); awk \'{print $5}\' /proc/self/mountinfo | grep -E "^$w(/|$)" | sort -r | xargs -r -n1 umount -l', 'sh', session.workdir], 'unmounting in the work dir');
    await run(env, ['rm', '-rf', session.workdir], 'removing the work dir');
    await env.exec(['mkdir', '-p', session.workdir]);
    session.images = await prepareImages(env, exercise, (m) => this.log(m));
    await prepareFiles(env, exercise, (m) => this.log(m), session.params);
    Object.assign(session, {progress: {}, hints: {}, answers: {}, baseline: undefined, startedAt: Math.floor(Date.now() / 1000) - 1});
    await saveLab({session, env});
    await env.close();
    this.log(`Lab ${exercise.id} is back to its start.`);
  }
}
