import {Args, Command, Flags} from '@oclif/core';

export default class Answer extends Command {
  static override summary = 'Answer a question, e.g. lab answer compile-in-scratch b, or report what you found, e.g. lab answer server-pid-host 4242';
  static override description = `A question step takes a letter. Some steps ask for what you found (PIDs, cache-ids): give the values after the key.
lab check compares them with the real state.`;
  static override strict = false;
  static override args = {
    question: Args.string({description: 'the question step\'s id, or the key a step asks you to answer', required: true}),
    answer: Args.string({description: 'your choice (a letter) or value(s)', required: true}),
  };
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run() {
    const {args, argv, flags} = await this.parse(Answer);
    const {loadSession, saveSession} = await import('../../lab/session/session.js');
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {runningEnvironment} = await import('../../lab/app/open-lab.js');
    const {pullSession, pushSession} = await import('../../lab/session/mirror.js');
    let session = loadSession(flags.lab);
    const env = await runningEnvironment(session);
    if (env) session = await pullSession(env, session);
    const steps = loadExercise(session.lab).steps;
    const question = steps.find((s) => s.id === args.question)?.question;
    const free = steps.find((s) => s.answers?.[args.question])?.answers?.[args.question];
    let value: string;
    if (question) {
      value = args.answer.toLowerCase();
      if (argv.length > 2 || !(value in question.choices)) this.error(`choose one of: ${Object.keys(question.choices).join(', ')}`, {exit: 1});
    } else if (free) {
      // Several values (e.g. one cache-id per layer) are kept as one space-separated answer.
      value = (argv as string[]).slice(1).join(' ').trim();
      if (!new RegExp(free.pattern).test(value)) this.error(`"${value}" is not an answer to ${args.question}${free.example ? ` (it looks like: ${free.example})` : ''}`, {exit: 1});
    } else {
      const keys = steps.flatMap((s) => [...(s.question ? [s.id] : []), ...Object.keys(s.answers ?? {})]);
      this.error(`"${args.question}" is not a question of lab ${session.lab} (questions: ${keys.join(', ') || 'none'})`, {exit: 1});
    }
    session.answers[args.question] = value;
    saveSession(session);
    if (env) await pushSession(env, session).finally(() => env.close());
    this.log(`Answer ${value} recorded. Run lab check to see if it is right.`);
  }
}
