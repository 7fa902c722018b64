/**
 * The HTML gradebook in a real browser (Debian's chromium, headless): 500 students, the page's own script allowed
 * by its hash under the Content-Security-Policy, sorting and filtering applied from the address, the SVG chart,
 * the trust labels; a screenshot is kept in test/artifacts/gradebook-500.png. The page's controls apply the
 * same sort and filter functions on clicks; chromium's --dump-dom shows the DOM after the script ran.
 */
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {pathToFileURL} from 'node:url';
import {renderHtml} from '../../src/lab/gradebook/html.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {signResult} from '../../src/lab/gradebook/signing.js';
import {teacherKey} from '../../src/lab/gradebook/signing.js';
import {hasCommand, when} from '../helpers/needs.js';
import {allChecks26, results26} from './fixtures.js';

const run = promisify(execFile);
const config = mkdtempSync(join(tmpdir(), 'lab-html-'));
process.env.XDG_CONFIG_HOME = config;

async function chromium(args: string[]): Promise<string> {
  const {stdout} = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {maxBuffer: 64 * 1024 * 1024, timeout: 120_000});
  return stdout;
}

when({'needs chromium (apt-get install chromium)': hasCommand('chromium')})('500 students: the page sorts, filters, shows trust labels and a chart in chromium', async (t) => {
  t.timeout(4 * 60_000);
  t.teardown(() => rmSync(config, {recursive: true, force: true}));
  // 500 students: every 50th a forged "collected" claim, every 3rd collected and signed, the rest self-submitted.
  const subs = Array.from({length: 500}, (_, i) => {
    const id = `student-${String(i).padStart(3, '0')}`;
    const r = results26(id, allChecks26.slice(0, i % (allChecks26.length + 1)), new Date(Date.UTC(2025, 2, 1, 10, i)).toISOString(), i % 7 ? 'nothing was built' : 'wrong linkage');
    if (i % 50 === 7) return {file: `${id}.json`, results: {...r, extra_data: {...r.extra_data, source: 'collected' as const}}};
    if (i % 3 === 0) return {file: `${id}.json`, results: signResult(r, 'collected')};
    return {file: `${id}.json`, results: r};
  });
  const gb = buildGradebook(JSON.parse(JSON.stringify(subs)), [], {key: teacherKey(false)});
  const dir = mkdtempSync(join(tmpdir(), 'lab-html-page-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const page = join(dir, 'grades.html');
  writeFileSync(page, renderHtml(gb));
  t.true(statSync(page).size < 8 * 1024 * 1024, 'the page for 500 students stays under 8 MB');

  const started = Date.now();
  const sorted = await chromium(['--dump-dom', `${pathToFileURL(page).href}#sort=total&dir=desc`]);
  t.log(`chromium loaded, sorted and dumped 500 students in ${Date.now() - started} ms`);
  t.regex(sorted, /<body data-ready="yes">/, 'the page\'s own script ran under its Content-Security-Policy');
  const totals = [...sorted.matchAll(/<tr[^>]*data-source="[^"]*"[^>]*>.*?<\/tr>/g)].map((m) => Number(/<td data-value="([\d.]+)">[\d.]+ \/ \d+<\/td><td class="source">/.exec(m[0])![1]));
  t.is(totals.length, 500);
  t.deepEqual(totals, [...totals].sort((a, b) => b - a), 'rows sorted by total, highest first');
  t.regex(sorted, /<th data-key="total" data-type="num" aria-sort="descending">/);

  const filtered = await chromium(['--dump-dom', `${pathToFileURL(page).href}#trust=unverified`]);
  const visible = [...filtered.matchAll(/<tr( class="flagged")? data-source="([^"]+)"[^>]*?( hidden="")?>/g)].filter((m) => !m[3]);
  t.is(visible.length, 10);
  t.true(visible.every((m) => m[2] === 'unverified' && m[1]));
  t.regex(filtered, /<span id="shown">10<\/span> of 500 shown/);
  t.regex(filtered, /<span class="trust trust-unverified">UNVERIFIED<\/span>/);
  t.regex(filtered, /<span class="trust trust-collected">collected<\/span>/);
  t.regex(filtered, /<svg role="img" aria-label="pass rate per check of 26"/);
  t.is(filtered.match(/<rect class="bar"/g)?.length, allChecks26.length);

  const byText = await chromium(['--dump-dom', `${pathToFileURL(page).href}#q=student-49`]);
  t.regex(byText, /<span id="shown">\d+<\/span> of 500 shown/);
  t.is(/<span id="shown">(\d+)<\/span>/.exec(byText)![1], '10', 'student-490 to student-499');

  const artifacts = join(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, {recursive: true});
  const shot = join(artifacts, 'gradebook-500.png');
  await chromium([`--screenshot=${shot}`, '--window-size=1400,1000', `${pathToFileURL(page).href}#sort=total&dir=desc`]);
  t.true(statSync(shot).size > 10_000, 'a screenshot was taken');
});
