import {Command, Flags} from '@oclif/core';

export default class Submit extends Command {
  static override summary = 'Check once more and write the results file (Gradescope results.json) with the evidence of each check';
  static override enableJsonFlag = true;
  static override flags = {
    lab: Flags.string({description: 'which lab (default: the one started last)'}),
    out: Flags.string({char: 'o', description: 'where to write results.json (default: <workdir>/results.json for a lab on this machine; for a VM or SSH host, ~/lab<N>-results.json here)'}),
  };

  async run() {
    const {flags} = await this.parse(Submit);
    const {submitLab} = await import('../../lab/app/check-lab.js');
    const submitted = await submitLab({lab: flags.lab, out: flags.out});
    if (!this.jsonEnabled()) this.log(`Score ${submitted.score}/${submitted.extra_data.maxScore}; results written to ${submitted.path} (the file to hand in)`);
    return submitted;
  }
}
