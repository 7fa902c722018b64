import {Args, Command, Flags} from '@oclif/core';

export default class Answer extends Command {
  static override summary = 'Answer a question step, e.g. lab answer compile-in-scratch b';
  static override args = {
    question: Args.string({description: 'the question step\'s id', required: true}),
    choice: Args.string({description: 'your choice (a letter)', required: true}),
  };
  static override flags = {lab: Flags.string({description: 'which lab (default: the one started last)'})};

  async run() {
    const {args, flags} = await this.parse(Answer);
    const {loadSession, saveSession} = await import('../../lab/session/session.js');
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const session = loadSession(flags.lab);
    const step = loadExercise(session.lab).steps.find((s) => s.id === args.question);
    if (!step?.question) this.error(`"${args.question}" is not a question of lab ${session.lab}`, {exit: 1});
    const choice = args.choice.toLowerCase();
    if (!(choice in step.question.choices)) this.error(`choose one of: ${Object.keys(step.question.choices).join(', ')}`, {exit: 1});
    session.answers[args.question] = choice;
    saveSession(session);
    this.log(`Answer ${choice} recorded. Run lab check to see if it is right.`);
  }
}
