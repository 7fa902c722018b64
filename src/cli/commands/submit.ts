import {Command, Flags} from '@oclif/core';

export default class Submit extends Command {
  static override summary = 'Check once more and write the results file (Gradescope results.json) with the evidence of each check';
  static override enableJsonFlag = true;
  static override flags = {
    lab: Flags.string({description: 'which lab (default: the one started last)'}),
    out: Flags.string({char: 'o', description: 'where to write results.json (default: <workdir>/results.json; for a VM, ./lab<N>-results.json here)'}),
  };

  async run() {
    const {flags} = await this.parse(Submit);
    const {openLab, saveLab} = await import('../lab-context.js');
    const {evaluate, recordProgress, snapshotRequest, takeSnapshot} = await import('../../lab/grading/run-checks.js');
    const {collectorCommand} = await import('../../lab/grading/collector-command.js');
    const {gradescopeResults} = await import('../../lab/grading/results.js');
    const {writeFileSync} = await import('node:fs');
    const {join} = await import('node:path');
    const started = Date.now();
    const {session, exercise, env} = await openLab(flags.lab);
    const snapshot = await takeSnapshot(env, snapshotRequest(exercise, session), collectorCommand(env));
    const results = evaluate(exercise, session, snapshot);
    recordProgress(session, results);
    try {
      await saveLab({session, env});
    } finally {
      await env.close();
    }
    const report = gradescopeResults(exercise, session, results, (Date.now() - started) / 1000);
    // A VM's work dir is not on this machine: the results land where the command runs.
    const out = flags.out ?? (session.provider === 'local' ? join(session.workdir, 'results.json') : join(process.cwd(), `lab${session.lab}-results.json`));
    writeFileSync(out, JSON.stringify(report, null, 2));
    if (!this.jsonEnabled()) this.log(`Score ${report.score}/${report.extra_data.maxScore}; results written to ${out}`);
    return {...report, path: out};
  }
}
