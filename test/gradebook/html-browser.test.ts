/**
 * The HTML gradebook in a real browser (Debian's chromium, headless): 500 students, the page's own script allowed
 * by its hash under the Content-Security-Policy, sorting and filtering applied from the address, the SVG chart,
 * the trust labels; a screenshot is kept in test/artifacts/gradebook-500.png. The page's controls apply the
 * same sort and filter functions on clicks; chromium's --dump-dom shows the DOM after the script ran. A second
 * test drives the page with playwright-core (test/helpers/chromium.ts) with real clicks on column headers
 * (the total and a per-check column), typing into the filter and choosing a trust label from the keyboard.
 */
import {execFile} from 'node:child_process';
import test from 'ava';
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {pathToFileURL} from 'node:url';
import {renderHtml} from '../../src/lab/gradebook/html.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {signResult} from '../../src/lab/gradebook/signing.js';
import {teacherKey} from '../../src/lab/gradebook/signing.js';
import {Chromium} from '../helpers/chromium.js';
import {hasCommand, when} from '../helpers/needs.js';
import {allChecks26, results26} from './fixtures.js';

const run = promisify(execFile);
const config = mkdtempSync(join(tmpdir(), 'lab-html-'));
process.env.XDG_CONFIG_HOME = config;

async function chromium(args: string[]): Promise<string> {
  const {stdout} = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {maxBuffer: 64 * 1024 * 1024, timeout: 120_000});
  return stdout;
}

const withChromium = when({'needs chromium (apt-get install chromium)': hasCommand('chromium')}, test.serial);
test.after.always(() => rmSync(config, {recursive: true, force: true}));

/** The 500-student page: every 50th a forged "collected" claim, every 3rd collected and signed, the rest self-submitted. */
function page500(): {dir: string; page: string} {
  const subs = Array.from({length: 500}, (_, i) => {
    const id = `student-${String(i).padStart(3, '0')}`;
    const r = results26(id, allChecks26.slice(0, i % (allChecks26.length + 1)), new Date(Date.UTC(2025, 2, 1, 10, i)).toISOString(), i % 7 ? 'nothing was built' : 'wrong linkage');
    if (i % 50 === 7) return {file: `${id}.json`, results: {...r, extra_data: {...r.extra_data, source: 'collected' as const}}};
    if (i % 3 === 0) return {file: `${id}.json`, results: signResult(r, 'collected')};
    return {file: `${id}.json`, results: r};
  });
  const gb = buildGradebook(JSON.parse(JSON.stringify(subs)), [], {key: teacherKey(false)});
  const dir = mkdtempSync(join(tmpdir(), 'lab-html-page-'));
  const page = join(dir, 'grades.html');
  writeFileSync(page, renderHtml(gb));
  return {dir, page};
}

withChromium('500 students: the page sorts, filters, shows trust labels and a chart in chromium', async (t) => {
  t.timeout(4 * 60_000);
  const {dir, page} = page500();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
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

withChromium('500 students: clicks on column headers sort, typing filters, the trust list narrows, in chromium', async (t) => {
  t.timeout(4 * 60_000);
  const {dir, page: file} = page500();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const browser = await Chromium.launch();
  t.teardown(() => browser.close());
  const page = await browser.open(pathToFileURL(file).href);
  await page.waitFor('document.body && document.body.getAttribute("data-ready") === "yes"');
  const column = (key: string) => page.evaluate<number>(`Array.from(document.querySelectorAll('#grades thead th')).findIndex((h) => h.getAttribute('data-key') === ${JSON.stringify(key)})`);
  /** The visible rows' values in a column, top to bottom, as the page shows them now. */
  const values = (col: number) => page.evaluate<string[]>(`Array.from(document.querySelectorAll('#grades tbody tr')).filter((r) => !r.hidden).map((r) => r.cells[${col}].getAttribute('data-value') ?? r.cells[${col}].textContent.trim())`);
  const ariaSort = (key: string) => page.evaluate<string>(`document.querySelector('#grades th[data-key="${key}"]').getAttribute('aria-sort')`);
  const shown = () => page.evaluate<string>('document.getElementById("shown").textContent');
  const numbers = (v: string[]) => v.map((x) => (x === '' ? -Infinity : Number(x)));

  const total = await column('total');
  t.true(total > 0);
  const unsorted = numbers(await values(total));
  t.notDeepEqual(unsorted, [...unsorted].sort((a, b) => a - b), 'the rows do not start out sorted by total');
  await page.click('#grades th[data-key="total"]');
  const ascending = numbers(await values(total));
  t.deepEqual(ascending, [...unsorted].sort((a, b) => a - b), 'one click: lowest total first');
  t.is(await ariaSort('total'), 'ascending');
  await page.click('#grades th[data-key="total"]');
  t.deepEqual(numbers(await values(total)), [...unsorted].sort((a, b) => b - a), 'a second click: highest first');
  t.is(await ariaSort('total'), 'descending');

  // A per-check column: failed (0) and not handed in ("") below passed (1) after two clicks.
  const checkKey = await page.evaluate<string>(`Array.from(document.querySelectorAll('#grades thead th')).map((h) => h.getAttribute('data-key')).find((k) => /^26\\/./.test(k))`);
  t.truthy(checkKey, 'the table has a column per check of lab 26');
  const check = await column(checkKey);
  await page.click(`#grades th[data-key="${checkKey}"]`);
  await page.click(`#grades th[data-key="${checkKey}"]`);
  const checkValues = numbers(await values(check));
  t.deepEqual(checkValues, [...checkValues].sort((a, b) => b - a), `sorted by ${checkKey}, passes first`);
  t.true(checkValues.includes(1) && checkValues.includes(0), 'both passes and failures in that column');
  t.is(await ariaSort('total'), 'none');

  await page.click('#filter');
  await page.type('student-49');
  t.is(await shown(), '10');
  const ids = await values(0);
  t.deepEqual([...ids].sort(), Array.from({length: 10}, (_, i) => `student-49${i}`));
  for (let i = 0; i < 'student-49'.length; i++) await page.press('Backspace');
  t.is(await shown(), '500', 'the filter emptied, every student again');

  // The trust list from the keyboard: "u" picks "unverified", as a user typing in the focused list does.
  await page.click('#trust');
  await page.press('Escape');
  await page.press('u');
  await page.waitFor('document.getElementById("trust").value === "unverified"', 10_000);
  t.is(await shown(), '10');
  const sources = await page.evaluate<string[]>('Array.from(document.querySelectorAll("#grades tbody tr")).filter((r) => !r.hidden).map((r) => r.getAttribute("data-source"))');
  t.deepEqual(sources, Array(10).fill('unverified'));

  const artifacts = join(import.meta.dirname, '..', 'artifacts');
  mkdirSync(artifacts, {recursive: true});
  const shot = join(artifacts, 'gradebook-500-clicked.png');
  writeFileSync(shot, await page.screenshot());
  t.true(statSync(shot).size > 10_000, 'a screenshot of the clicked page was kept');
});
