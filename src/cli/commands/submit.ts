import {Command, Flags} from '@oclif/core';

export default class Submit extends Command {
  static override summary = 'Check once more and write the results file (Gradescope results.json) with the evidence of each check';
  static override enableJsonFlag = true;
  static override flags = {
    lab: Flags.string({description: 'which lab (default: the one started last)'}),
    out: Flags.string({char: 'o', description: 'where to write results.json (default: <workdir>/results.json)'}),
  };

  async run() {
    const {flags} = await this.parse(Submit);
    const {openLab} = await import('../lab-context.js');
    const {evaluate, recordProgress, snapshotRequest, takeSnapshot} = await import('../../lab/grading/run-checks.js');
    const {saveSession} = await import('../../lab/session/session.js');
    const {packageRootIn} = await import('../../lab/session/prepare.js');
    const {gradescopeResults} = await import('../../lab/grading/results.js');
    const {writeFileSync} = await import('node:fs');
    const {join} = await import('node:path');
    const started = Date.now();
    const {session, exercise, env} = await openLab(flags.lab);
    const snapshot = await takeSnapshot(env, snapshotRequest(exercise, session), ['node', `${packageRootIn(env)}/dist/src/lab/grading/collect-main.js`]);
    await env.close();
    const results = evaluate(exercise, session, snapshot);
    recordProgress(session, results);
    saveSession(session);
    const report = gradescopeResults(exercise, session, results, (Date.now() - started) / 1000);
    const out = flags.out ?? join(session.workdir, 'results.json');
    writeFileSync(out, JSON.stringify(report, null, 2));
    if (!this.jsonEnabled()) this.log(`Score ${report.score}/${report.extra_data.maxScore}; results written to ${out}`);
    return {...report, path: out};
  }
}
