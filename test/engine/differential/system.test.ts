/** The same system requests to labd and Debian's dockerd: ping, version, info, disk usage, events. */
import test from 'ava';
import {differentialCases, type Case} from '../../helpers/differential/harness.js';

const cases: Case[] = [
  {what: 'ping answers OK with the API headers', method: 'GET', path: '/_ping', sameBody: true, headers: ['Api-Version', 'Ostype']},
  {what: 'a HEAD ping', method: 'HEAD', path: '/_ping', headers: ['Api-Version', 'Ostype']},
  {what: 'version', method: 'GET', path: '/version', values: ['ApiVersion', 'MinAPIVersion', 'Os', 'Arch', 'Components.#']},
  {what: 'info', method: 'GET', path: '/info', values: ['OSType', 'Architecture', 'Images', 'Containers', 'Driver', 'CgroupVersion', 'NCPU', 'RegistryConfig']},
  {what: 'system df', method: 'GET', path: '/system/df', values: ['Images.#', 'Containers.#', 'Volumes.#', 'Images.*.RepoTags', 'Images.*.Size']},
  {what: 'events of a container run, since and until', method: 'GET', path: '/events?since={t0}&until={later}&filters=%7B%22type%22%3A%5B%22container%22%5D%7D',
    prepare: [['run', '--name', 'diff-ev', 'busybox', 'true'], ['rm', 'diff-ev']], values: ['*.Type', '*.Action', '*.Actor.Attributes.name', '*.status']},
  {what: 'events of an image tag, with filters', method: 'GET', path: '/events?since={t0}&until={later}&filters=%7B%22type%22%3A%5B%22image%22%5D%2C%22event%22%3A%5B%22tag%22%5D%7D',
    prepare: [['tag', 'busybox', 'diff-ev:1']], values: ['*.Type', '*.Action', '*.Actor.Attributes.name']},
  {what: 'an unknown endpoint', method: 'GET', path: '/no-such-endpoint', values: ['message']},
];

differentialCases(test, 'system', cases);
