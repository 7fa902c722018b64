import {Args, Command, Flags} from '@oclif/core';
import chalk from 'chalk';
import {providerFlags, providerName, sshTargetFromFlags} from '../provider-flags.js';

export default class Start extends Command {
  static override summary = 'Start a lab: prepare the environment, hand out the files, show the first step';
  static override description = `Prepares the lab's environment (the container engine running, its images loaded, your files in the work
directory) and shows the first step in your language. Check your work with \`lab check\`.`;
  static override examples = [
    '<%= config.bin %> start 26                      # in a disposable VM (built the first time), then: lab ssh',
    '<%= config.bin %> start 26 --provider local     # on this machine itself (root), files in ~/lab26',
    '<%= config.bin %> start 26 --provider ssh --host student@lab.example.org --key ~/.ssh/id_ed25519',
  ];
  static override enableJsonFlag = true;
  static override args = {lab: Args.string({description: 'the lab number, e.g. 26', required: true})};
  static override flags = {
    ...providerFlags,
    dir: Flags.string({description: 'work directory for the lab\'s files (default ~/lab<N>)'}),
    lang: Flags.string({description: 'language of the texts (ru, en); default from $LAB_LANG or $LANG'}),
    student: Flags.string({description: 'your student id, recorded in submissions', default: process.env.USER ?? 'student'}),
  };

  async run() {
    const {args, flags} = await this.parse(Start);
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {chooseLanguage} = await import('../../lab/session/session.js');
    const {labWorkdir, prepareLab, startEnvironment} = await import('../../lab/app/start-lab.js');
    const {whereToWork} = await import('../../lab/render/where-to-work.js');
    const {introText, localize, stepText, terminal} = await import('../../lab/render/text.js');

    let exercise;
    let ssh;
    try {
      ssh = sshTargetFromFlags(flags);
      exercise = loadExercise(args.lab);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const lang = chooseLanguage(exercise.locales, flags.lang);
    if (flags.provider !== 'local' && flags.dir && !flags.dir.startsWith('/')) this.error(`--dir must be an absolute path inside the ${flags.provider} environment (got "${flags.dir}")`, {exit: 2});
    const provider = providerName(flags);
    const workdir = labWorkdir({provider, exercise, ssh, dir: flags.dir});
    const progress = (m: string) => {
      if (!this.jsonEnabled()) process.stderr.write(`${chalk.cyan('›')} ${m}\n`);
    };
    const started = Date.now();
    const options = {exercise, provider, ssh, workdir, lang, student: flags.student, onProgress: progress};
    const env = await startEnvironment(options);
    try {
      const session = await prepareLab(env, options);
      progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const first = exercise.steps[0];
      const params = session.params ?? {};
      if (!this.jsonEnabled()) {
        this.log('');
        this.log(terminal(introText(exercise, lang, {workdir, params})));
        const where = whereToWork(session.provider, session.envName, lang, ssh && `${ssh.user}@${ssh.host}`);
        if (where) this.log(chalk.cyan(where));
        this.log('');
        this.log(chalk.bold(`1. ${localize(first.title, lang)}`));
        this.log(terminal(stepText(exercise, first.id, lang, {workdir, params})));
      }
      return {lab: exercise.id, workdir, lang, provider: flags.provider, images: session.images};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    } finally {
      await env.close();
    }
  }
}
