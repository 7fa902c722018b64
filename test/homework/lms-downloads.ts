/**
 * LMS "download all" zips as Moodle and Canvas make them: Moodle's a folder per participant
 * (`Full Name_12345_assignsubmission_file_/...`), Canvas's files side by side (`name[_LATE]_<user>_<sub>_<file>`).
 * Written by Python's zipfile, which, as the PHP zip Moodle uses, stores only the DOS date and time (the server's
 * wall clock, no zone); zip(1) adds the extended timestamp in UTC.
 */
import {execFileSync} from 'node:child_process';

export interface ZipEntry {
  name: string;
  data: string;
  /** The wall clock the LMS wrote: [year, month, day, hour, minute, second]. */
  time: [number, number, number, number, number, number];
}

export function lmsZip(file: string, entries: ZipEntry[]): void {
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for e in json.load(sys.stdin):
    i = zipfile.ZipInfo(e['name'], date_time=tuple(e['time']))
    i.external_attr = 0o100644 << 16
    i.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(i, e['data'])
z.close()`;
  execFileSync('python3', ['-c', script, file], {input: JSON.stringify(entries)});
}

/** What `unzip -Z -T` says an entry's time is (yyyymmdd.hhmmss in TZ): the reference our reading must agree with. */
export function unzipTimes(file: string, tz: string): Map<string, string> {
  const out = execFileSync('unzip', ['-Z', '-T', file], {env: {...process.env, TZ: tz}}).toString('utf8');
  const times = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /\s(\d{8}\.\d{6})\s(.+)$/.exec(line);
    if (m) times.set(m[2], m[1]);
  }
  return times;
}
