/** The everyday lab's graders on states the self-test does not reach: gone containers, an unread registry, a closed shell. */
import test from 'ava';
import {graders} from '../../graders/index.js';
import type {ContainerSnapshot, EngineEventRecord, Snapshot} from '../../graders/snapshot.js';

function container(name: string, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: name.padEnd(64, '0'), name, image: 'sha256:a', imageName: 'alpine', path: 'sleep', args: ['1d'], created: '',
    state: {status: 'running', running: true, exitCode: 0, error: '', pid: 4000 + name.length, startedAt: '', finishedAt: '', oomKilled: false},
    upperDir: '', lowerDirs: [], files: {}, logTail: [], ...extra,
  };
}

const event = (Type: string, Action: string, ID: string, at: number, Attributes: Record<string, string> = {}): EngineEventRecord => ({Type, Action, Actor: {ID, Attributes}, time: at, timeNano: at * 1e9});

function snapshot(parts: Partial<Snapshot['engine']> & {answers?: Record<string, string>; registry?: Snapshot['registry']}): Snapshot {
  return {
    takenAt: '', answers: parts.answers ?? {}, host: {namespaces: {}, files: {}},
    engine: {reachable: true, images: parts.images ?? [], containers: parts.containers ?? [], events: parts.events ?? [], facts: parts.facts},
    ...(parts.registry ? {registry: parts.registry} : {}),
  };
}

test('info: the daemon ID and API version from the engine, a wrong line named', (t) => {
  const facts = {id: 'f1e2-uuid', name: 'vm', serverVersion: '0.1.0', apiVersion: '1.50', mirrors: []};
  const g = graders['info.answered'];
  t.true(g(snapshot({facts, answers: {id: 'f1e2-uuid'}}), {answer: 'id', fact: 'id'}).pass);
  t.regex(g(snapshot({facts, answers: {id: 'vm'}}), {answer: 'id', fact: 'id'}).observed, /daemon's Name/);
  t.regex(g(snapshot({facts, answers: {v: 'f1e2-uuid'}}), {answer: 'v', fact: 'apiVersion'}).observed, /the daemon's ID/);
  t.regex(g(snapshot({answers: {id: 'x'}}), {answer: 'id', fact: 'id'}).observed, /did not answer/);
});

test('reveal: a container that is gone, a code no longer in the log, a stopped container for top', (t) => {
  const p = {container: 'courier', answer: 'c', code: 'c0ffee00'};
  t.regex(graders['reveal.logs'](snapshot({answers: {c: 'c0ffee00'}}), p).observed, /no container named courier .*lab reset/);
  const courier = container('courier', {logTail: ['delivery code: c0ffee00']});
  t.true(graders['reveal.logs'](snapshot({containers: [courier], answers: {c: 'c0ffee00'}}), p).pass);
  t.regex(graders['reveal.logs'](snapshot({containers: [{...courier, logTail: []}], answers: {c: 'c0ffee00'}}), p).observed, /no longer holds its code/);
  const stopped = container('vault', {state: {...container('vault').state, running: false, status: 'exited'}});
  t.regex(graders['reveal.topPid'](snapshot({containers: [stopped], answers: {pid: '4005'}}), {container: 'vault', answer: 'pid'}).observed, /vault is exited/);
});

test('lifecycle: docker restart counts as a stop then a start; rm without a destroy event is not credited', (t) => {
  const napper = container('napper', {labels: {'lab.everyday.napper': 't'}});
  const events = [event('container', 'kill', napper.id, 10, {signal: '15'}), event('container', 'die', napper.id, 11), event('container', 'stop', napper.id, 11), event('container', 'start', napper.id, 12), event('container', 'restart', napper.id, 12)];
  t.true(graders['lifecycle.stoppedAndStarted'](snapshot({containers: [napper], events}), {container: 'napper', label: 'lab.everyday.napper', value: 't'}).pass);
  t.regex(graders['lifecycle.containerRemoved'](snapshot({}), {container: 'old'}).observed, /no container named old was removed/);
  t.true(graders['lifecycle.containerRemoved'](snapshot({events: [event('container', 'destroy', 'abc', 5, {name: 'old'})]}), {container: 'old'}).pass);
});

test('run-env: a shell that was closed is asked to be kept open; another program is named', (t) => {
  const p = {image: 'kaktuss/clickhouse-udp-proxy', program: 'ash', variable: 'CLICKHOUSE_ADDR', value: '127.0.0.1:9000'};
  t.regex(graders['interactive.shellWithEnv'](snapshot({}), p).observed, /keep the shell open/);
  const sh = container('x', {imageName: p.image, path: 'sh', tty: true, openStdin: true, autoRemove: true, env: ['CLICKHOUSE_ADDR=127.0.0.1:9000']});
  t.regex(graders['interactive.shellWithEnv'](snapshot({containers: [sh]}), p).observed, /runs sh, not ash/);
  // docker run -it attaches the CLI before the start; docker run -dit starts with no one attached.
  const attached = [event('container', 'create', sh.id, 1), event('container', 'attach', sh.id, 2), event('container', 'start', sh.id, 3)];
  t.true(graders['interactive.shellWithEnv'](snapshot({containers: [{...sh, path: 'ash'}], events: attached}), p).pass);
  const detached = [event('container', 'create', sh.id, 1), event('container', 'start', sh.id, 2), event('container', 'attach', sh.id, 9)];
  t.regex(graders['interactive.shellWithEnv'](snapshot({containers: [{...sh, path: 'ash'}], events: detached}), p).observed, /started detached \(-d\)/);
  t.regex(graders['interactive.shellWithEnv'](snapshot({containers: [{...sh, path: 'ash', env: ['CLICKHOUSE_ADDR=localhost']}], events: attached}), p).observed, /has CLICKHOUSE_ADDR=localhost, not/);
});

test('code-mount: the folder mounted but the file not edited yet', (t) => {
  const coder = container('coder', {state: {...container('coder').state, running: false, status: 'exited'}, logTail: ['app.sh: not edited yet'], mounts: [{type: 'bind', source: '/w/code/', destination: '/code'}]});
  const v = graders['binds.ranFromHost'](snapshot({containers: [coder]}), {hostDir: '/w/code', target: '/code', output: 'hello from t'});
  t.false(v.pass);
  t.regex(v.observed, /has the folder mounted but printed .*not edited yet.*edit the file on the host/);
  t.true(graders['binds.ranFromHost'](snapshot({containers: [{...coder, logTail: ['hello from t']}]}), {hostDir: '/w/code', target: '/code', output: 'hello from t'}).pass);
});

test('push-pull: an engine without a mirror, and a pull older than the last push, are named', (t) => {
  const p = {repo: 'everyday/t', tag: 'v1'};
  t.regex(graders['registry.pushed'](snapshot({registry: {url: '', host: '', catalog: [], tags: {}, error: 'the engine has no registry mirror (docker info: Registry Mirrors)'}}), p).observed, /no registry mirror/);
  t.regex(graders['registry.pushed'](snapshot({}), p).observed, /was not read/);
  const registry = {url: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', catalog: ['everyday/t'], tags: {'everyday/t': {v1: 'sha256:d'}}};
  const ref = '127.0.0.1:5000/everyday/t:v1';
  const image = {id: 'sha256:i', tags: [ref], repoDigests: ['127.0.0.1:5000/everyday/t@sha256:d'], parent: '', created: '', config: {}, layerDirs: [], history: [], files: {}};
  const late = [event('image', 'pull', ref, 1, {name: ref}), event('image', 'push', ref, 2, {name: ref})];
  t.regex(graders['registry.pulledBack'](snapshot({registry, images: [image], events: late}), p).observed, /pulled before its last push/);
  t.true(graders['registry.pulledBack'](snapshot({registry, images: [image], events: [...late].reverse().map((e, i) => ({...e, timeNano: i}))}), p).pass);
  t.regex(graders['registry.pulledBack'](snapshot({registry, images: [{...image, repoDigests: []}], events: [event('image', 'pull', ref, 3, {name: ref})]}), p).observed, /no image in the store has the digest/);
});
