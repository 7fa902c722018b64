/** The basics lab's graders on the state they must accept and the near misses they must reject. */
import test from 'ava';
import {graders} from '../../graders/index.js';
import {sizeKb} from '../../graders/isolation.js';
import type {ContainerSnapshot, EngineEventRecord, Snapshot} from '../../graders/snapshot.js';

const pgImage = {imageId: 'sha256:pg', image: 'postgres'};

function container(name: string, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: name, name, image: 'sha256:pg', imageName: 'postgres', path: 'docker-entrypoint.sh', args: ['postgres'], created: '2026-12-07T05:00:10.5Z',
    state: {status: 'running', running: true, exitCode: 0, error: '', pid: 100, startedAt: '', finishedAt: '', oomKilled: false},
    upperDir: '', lowerDirs: [], files: {}, logTail: [], ...extra,
  };
}

const event = (type: string, action: string, id: string, t: number, attributes: Record<string, string> = {}): EngineEventRecord => ({
  Type: type, Action: action, Actor: {ID: id, Attributes: attributes}, time: t, timeNano: t * 1e9,
});

function snapshot(containers: ContainerSnapshot[], events: EngineEventRecord[] = [], answers: Record<string, string> = {}): Snapshot {
  return {takenAt: '', answers, host: {namespaces: {}, files: {}}, engine: {reachable: true, images: [], containers, events}};
}

test('du sizes: a plain number is KiB, -h units are read, other text is refused', (t) => {
  t.is(sizeKb('2048'), 2048);
  t.is(sizeKb('2.1M'), 2.1 * 1024);
  t.is(sizeKb('1,5G'), 1.5 * 1024 * 1024);
  t.is(sizeKb('two megs'), undefined);
});

test('kill and stop are told apart by the engine\'s events, and the exit codes must be the ones recorded', (t) => {
  const events = [
    event('container', 'kill', 'rude', 10, {signal: '9', name: 'rude'}), event('container', 'die', 'rude', 11, {exitCode: '137', name: 'rude'}),
    event('container', 'kill', 'polite', 12, {signal: '15', name: 'polite'}), event('container', 'die', 'polite', 13, {exitCode: '0', name: 'polite'}),
    event('container', 'stop', 'polite', 13.1, {name: 'polite'}),
  ];
  const exited = (name: string, exitCode: number) => container(name, {state: {...container(name).state, status: 'exited', running: false, exitCode}});
  const both = [exited('rude', 137), exited('polite', 0)];
  const s = snapshot(both, events, {'kill-code': '137', 'stop-code': '0'});
  const codes = {killAnswer: 'kill-code', stopAnswer: 'stop-code', killed: 'rude', stopped: 'polite'};
  t.true(graders['stopping.killed'](s, {name: 'rude'}).pass);
  t.true(graders['stopping.stopped'](s, {name: 'polite'}).pass);
  t.true(graders['stopping.exitCodesReported'](s, codes).pass);
  t.false(graders['stopping.exitCodesReported']({...s, answers: {'kill-code': '0', 'stop-code': '137'}}, codes).pass, 'swapped');
  // docker kill -s TERM is no docker stop, even with the same signal.
  const term = snapshot(both, events.filter((e) => e.Action !== 'stop'));
  t.regex(graders['stopping.stopped'](term, {name: 'polite'}).observed, /docker kill -s TERM/);
  // A removed container's events stay in the log, but only the one there now counts.
  t.false(graders['stopping.killed'](snapshot([], events), {name: 'rude'}).pass);
});

test('postgres: a refusal needs no password and the image\'s words; a kept table needs a cluster older than the container', (t) => {
  const refused = container('refused', {state: {...container('x').state, status: 'exited', running: false, exitCode: 1}, envNames: ['PATH'], logTail: ['Error: Database is uninitialized and superuser password is not specified.']});
  t.true(graders['postgres.refused'](snapshot([refused]), pgImage).pass);
  t.false(graders['postgres.refused'](snapshot([{...refused, logTail: []}]), pgImage).pass, 'another failure');
  t.false(graders['postgres.refused'](snapshot([{...refused, envNames: ['POSTGRES_PASSWORD']}]), pgImage).pass, 'given a password');

  const params = {...pgImage, port: 5432, table: 'guests'};
  const created = Date.parse('2026-12-07T05:00:10.5Z') / 1000;
  const db = container('db', {envNames: ['POSTGRES_PASSWORD'], ports: [{container: '5432/tcp', hostIp: '', hostPort: 5432}], mounts: [{type: 'volume', name: 'pgdata', source: '/v', destination: '/var/lib/postgresql/data'}],
    postgres: {port: 5432, connected: true, initdbAt: created - 60, tables: ['guests']}});
  const removed = [event('container', 'destroy', 'old', created - 5, {image: 'postgres'})];
  t.true(graders['postgres.dataKept'](snapshot([db], removed), params).pass);
  const fresh = {...db, postgres: {...db.postgres!, initdbAt: Math.floor(created) + 1, tables: []}};
  t.regex(graders['postgres.dataKept'](snapshot([fresh], removed), params).observed, /initialised by that container itself/);
  t.regex(graders['postgres.dataKept'](snapshot([db]), params).observed, /no postgres container was removed/);
  t.regex(graders['postgres.published'](snapshot([{...db, ports: []}]), {...pgImage, port: 5432}).observed, /publishes no port/);
});
