/**
 * The same stream requests to labd and Debian's dockerd, read as plain HTTP answers (the body a client gets when
 * it does not upgrade): exec output framed by the start body's Tty, attach without streaming, the archive of a
 * stopped container's volume, and a volume prune at API 1.41.
 */
import test from 'ava';
import {cliExecBody} from '../../helpers/differential/bodies.js';
import {differentialCases, type Case} from '../../helpers/differential/harness.js';

const cases: Case[] = [
  {what: 'exec create for a framed start', method: 'POST', path: '/containers/diff-s/exec', body: cliExecBody(['echo', 'framed']), save: {framed: 'Id'},
    prepare: [['run', '-d', '--name', 'diff-s', 'busybox', 'sleep', '1000']]},
  {what: 'exec start without a tty: multiplexed output', method: 'POST', path: '/exec/{framed}/start', body: {Detach: false, Tty: false}, sameBody: true},
  {what: 'exec inspect after it ran', method: 'GET', path: '/exec/{framed}/json', values: ['Running', 'ExitCode', 'ProcessConfig']},
  {what: 'exec create for a tty start', method: 'POST', path: '/containers/diff-s/exec', body: cliExecBody(['echo', 'raw']), save: {raw: 'Id'}},
  {what: 'exec start with Tty in its body: raw output', method: 'POST', path: '/exec/{raw}/start', body: {Detach: false, Tty: true}, sameBody: true},
  {what: 'attach with logs and no stream', method: 'POST', path: '/containers/diff-log/attach?logs=1&stream=0&stdout=1&stderr=1',
    prepare: [['run', '--name', 'diff-log', 'busybox', 'echo', 'logged']], sameBody: true},
  {what: 'archive stat of a stopped container\'s volume', method: 'HEAD', path: '/containers/diff-volc/archive?path=/data/f', statHeader: true, values: ['name', 'size'],
    prepare: [['run', '--name', 'diff-volc', '-v', 'diff-av:/data', 'busybox', 'sh', '-c', 'echo v > /data/f']]},
  {what: 'archive of a stopped container\'s volume', method: 'GET', path: '/containers/diff-volc/archive?path=/data/f', statHeader: true, values: ['name', 'size']},
];

differentialCases(test, 'streams', cases);
