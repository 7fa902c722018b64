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
    const {chooseLanguage, saveSession} = await import('../../lab/session/session.js');
    const {providerFor} = await import('../../lab/providers/index.js');
    const {pushSession} = await import('../../lab/session/mirror.js');
    const {whereToWork} = await import('../../lab/render/where-to-work.js');
    const {ensureEngine, prepareFiles, prepareImages} = await import('../../lab/session/prepare.js');
    const {readServiceFiles} = await import('../../lab/session/service-files.js');
    const {makeParams} = await import('../../lab/session/params.js');
    const {introText, localize, stepText, terminal} = await import('../../lab/render/text.js');
    const {homedir} = await import('node:os');
    const {join, resolve} = await import('node:path');

    let exercise;
    let ssh;
    try {
      ssh = sshTargetFromFlags(flags);
      exercise = loadExercise(args.lab);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const lang = chooseLanguage(exercise.locales, flags.lang);
    // Inside a VM or on an SSH host the files live in that machine's home, not in a path of this one.
    const remoteHome = ssh ? (ssh.user === 'root' ? '/root' : `/home/${ssh.user}`) : '/root';
    if (flags.provider !== 'local' && flags.dir && !flags.dir.startsWith('/')) this.error(`--dir must be an absolute path inside the ${flags.provider} environment (got "${flags.dir}")`, {exit: 2});
    const workdir = flags.provider === 'local' ? resolve(flags.dir ?? join(homedir(), `lab${exercise.id}`)) : (flags.dir ?? `${remoteHome}/lab${exercise.id}`);
    const progress = (m: string) => {
      if (!this.jsonEnabled()) process.stderr.write(`${chalk.cyan('›')} ${m}\n`);
    };
    const started = Date.now();
    const provider = await providerFor(providerName(flags), ssh);
    progress(`environment: ${flags.provider}`);
    const env = await provider.start({name: `lab${exercise.id}`, workdir, onProgress: progress});
    try {
      await ensureEngine(env, progress, exercise.service);
      const serviceFiles = exercise.service ? await readServiceFiles(env, exercise.service) : undefined;
      // What is already there is not this lab's work: record it so checks look only at what comes next.
      const list = async (argv: string[]) => (await env.exec(argv)).stdout.split('\n').filter(Boolean);
      const baseline = {containers: await list(['docker', 'ps', '-aq', '--no-trunc']), images: await list(['docker', 'images', '-aq', '--no-trunc'])};
      const images = await prepareImages(env, exercise, progress);
      // Fresh for every start: a random token makes this session's image its own.
      const params = makeParams(exercise);
      progress(`files: ${workdir}`);
      await prepareFiles(env, exercise, progress, params);
      const session = {
        lab: exercise.id, provider: providerName(flags), envName: `lab${exercise.id}`, ssh, workdir, lang, student: flags.student,
        startedAt: Math.floor(Date.now() / 1000) - 1, images, params, baseline, serviceFiles, answers: {}, progress: {}, hints: {},
      };
      saveSession(session);
      await pushSession(env, session);
      progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const first = exercise.steps[0];
      if (!this.jsonEnabled()) {
        this.log('');
        this.log(terminal(introText(exercise, lang, {workdir, params})));
        const where = whereToWork(session.provider, session.envName, lang, ssh && `${ssh.user}@${ssh.host}`);
        if (where) this.log(chalk.cyan(where));
        this.log('');
        this.log(chalk.bold(`1. ${localize(first.title, lang)}`));
        this.log(terminal(stepText(exercise, first.id, lang, {workdir, params})));
      }
      return {lab: exercise.id, workdir, lang, provider: flags.provider, images};
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    } finally {
      await env.close();
    }
  }
}
