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
    const {loadExercise} = await import('../../lab/exercises/load.js');
    const {answerValue, updateSession} = await import('../../lab/app/answer-and-hint.js');
    const value = await updateSession(flags.lab, (session) => {
      const {steps} = loadExercise(session.lab);
      let answer: string;
      try {
        answer = answerValue(session.lab, steps, args.question, (argv as string[]).slice(1));
      } catch (error) {
        this.error((error as Error).message, {exit: 1});
      }
      session.answers[args.question] = answer;
      return answer;
    });
    this.log(`Answer ${value} recorded. Run lab check to see if it is right.`);
  }
}
