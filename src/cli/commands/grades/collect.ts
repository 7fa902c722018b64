import {cpus} from 'node:os';
import {Command, Flags} from '@oclif/core';

export default class GradesCollect extends Command {
  static override summary = 'Check every roster student\'s lab environment yourself and store each result signed';
  static override description = [
    'Runs `lab check`\'s collector on each student\'s environment — their SSH host (the roster\'s host column, [user@]host[:port], with --provider ssh), their VM on this machine (the roster\'s vm column, with --provider qemu), their VM on the libvirt hosts (as `lab class start` made it, with --provider libvirt) or their directory on this machine (the roster\'s dir column, with --provider local) — several at a time, with a progress bar. Each result is signed with your grading key (`lab grades key`) and stored with every check\'s evidence in the results store, one new file per collection: nothing is overwritten, so every attempt is kept.',
    'The student\'s session in their environment gives the lab\'s per-student facts; progress recorded there is ignored, only what the collector sees now counts. A student whose environment cannot be reached or whose lab was not started is reported, and the command exits 1 if any failed.',
    'With --queue redis://host:port, `lab worker`s observe the environments instead (a worker must reach them: the ssh hosts with the key at --key\'s path on that worker; VMs and directories only on the machine whose records know them); the results come back, are checked, and are signed and stored here all the same.',
    'Then `lab grades STORE --roster roster.json` makes the gradebook, where these results show as "collected" and win over anything the students submitted.',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> grades collect --lab 26 --roster roster.json --provider ssh --key ~/.ssh/teacher_ed25519',
    '<%= config.bin %> grades collect --lab 26 --roster roster.json --provider local --store results/',
  ];

  static override enableJsonFlag = true;
  static override flags = {
    lab: Flags.string({description: 'which lab', required: true}),
    roster: Flags.string({description: 'the class list (roster.json, from lab class import)', default: 'roster.json'}),
    store: Flags.string({description: 'the results store to add to', default: 'results'}),
    provider: Flags.string({description: 'how to reach each environment', options: ['ssh', 'qemu', 'libvirt', 'local'], default: 'ssh'}),
    key: Flags.string({description: 'with --provider ssh: the private key to log in with'}),
    'known-hosts': Flags.string({description: 'with --provider ssh: a known_hosts file pinning the hosts\' keys (default ~/.ssh/known_hosts)'}),
    'host-fingerprint': Flags.string({multiple: true, description: 'with --provider ssh: host key fingerprints (SHA256:...) to accept'}),
    'lab-root': Flags.string({description: 'with --provider ssh: where lab is installed on the hosts (default /opt/lab)'}),
    jobs: Flags.integer({char: 'j', description: 'environments checked at once (default: twice the cores, at most 16)', min: 1}),
    student: Flags.string({multiple: true, description: 'only these students (roster ids)'}),
    queue: Flags.string({description: 'have lab workers observe the environments, through the BullMQ queue in this Redis (redis://host:port); results are still signed and stored here', env: 'LAB_QUEUE', exclusive: ['jobs']}),
    'queue-name': Flags.string({description: 'with --queue: the BullMQ queue (default lab-grading)', dependsOn: ['queue']}),
  };

  async run() {
    const {flags} = await this.parse(GradesCollect);
    const {loadRoster} = await import('../../../lab/roster/store.js');
    const {collectClass} = await import('../../../lab/app/collect-class.js');
    const {progressReporter} = await import('../../ui/progress-bar.js');
    let roster;
    try {
      roster = loadRoster(flags.roster);
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
    const students = flags.student ? roster.students.filter((s) => flags.student!.includes(s.id)) : roster.students;
    const unknown = (flags.student ?? []).filter((id) => !roster.students.some((s) => s.id === id));
    if (unknown.length) this.error(`not on the roster: ${unknown.join(', ')}`, {exit: 2});
    const jobs = flags.jobs ?? Math.min(16, cpus().length * 2);
    const bar = progressReporter();
    const target = {provider: flags.provider as 'ssh' | 'qemu' | 'libvirt' | 'local', keyPath: flags.key, knownHostsPath: flags['known-hosts'], fingerprints: flags['host-fingerprint'], labRoot: flags['lab-root']};
    const report = (done: number, total: number, o: {student: string; ok: boolean; score?: number; maxScore?: number; error?: string}) =>
      this.jsonEnabled() ? undefined : bar.update(done, total, o.student, o.ok, o.ok ? `${o.score}/${o.maxScore}` : `FAILED: ${o.error}`);
    let outcomes;
    if (flags.queue) {
      const {collectClassOnQueue} = await import('../../../lab/app/collect-queued.js');
      outcomes = await collectClassOnQueue(students, flags.lab, target, flags.store, {url: flags.queue, name: flags['queue-name']}, report)
        .catch((error: Error) => (error.name === 'QueueError' ? this.error(error.message, {exit: 2}) : Promise.reject(error)));
    } else {
      outcomes = await collectClass(students, flags.lab, target, flags.store, jobs, report);
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (!this.jsonEnabled()) this.log(`${outcomes.length - failed.length} of ${outcomes.length} collected into ${flags.store}${failed.length ? `; failed: ${failed.map((o) => o.student).join(', ')}` : ''}`);
    if (failed.length) process.exitCode = 1;
    return {lab: flags.lab, store: flags.store, outcomes};
  }
}
