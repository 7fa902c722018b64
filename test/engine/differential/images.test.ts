/** The same image requests to labd and Debian's dockerd: list, inspect, history, tag, remove, prune, save, pull. */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {filters} from '../../helpers/differential/bodies.js';
import {differentialCases, type Case} from '../../helpers/differential/harness.js';

/** A build context for the --cache-from case; each engine saves its image beside it under its own name. */
const cacheContext = mkdtempSync(join(tmpdir(), 'diff-cache-from-'));
writeFileSync(join(cacheContext, 'Dockerfile'), 'FROM busybox\nRUN echo one > /one\nENV STEP=2\nRUN echo two > /two\n');

const listed = ['#', '*.Id', '*.RepoTags', '*.RepoDigests', '*.ParentId', '*.Size', '*.Containers', '*.Labels', '*.Created'];

const cases: Case[] = [
  {what: 'list', method: 'GET', path: '/images/json', values: listed},
  {what: 'inspect by name', method: 'GET', path: '/images/busybox/json',
    values: ['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Created', 'Config', 'Architecture', 'Os', 'Size', 'RootFS', 'Author', 'DockerVersion', 'Comment'], save: {image: 'Id'}},
  {what: 'inspect by short ID', method: 'GET', path: '/images/{image:12}/json', values: ['Id', 'RepoTags']},
  {what: 'history', method: 'GET', path: '/images/busybox/history', values: ['#', '*.Id', '*.CreatedBy', '*.Tags', '*.Size', '*.Comment', '*.Created']},
  {what: 'tag', method: 'POST', path: '/images/busybox/tag?repo=docker.io%2Flibrary%2Fdiff-img&tag=v1', sameBody: true},
  {what: 'tag into a registry name', method: 'POST', path: '/images/busybox/tag?repo=localhost%3A5000%2Fdiff%2Fimg&tag=v2', sameBody: true},
  {what: 'list after tagging', method: 'GET', path: '/images/json', values: listed},
  {what: 'list by reference', method: 'GET', path: `/images/json?filters=${filters({reference: ['diff-img']})}`, values: listed},
  {what: 'list dangling', method: 'GET', path: `/images/json?filters=${filters({dangling: ['true']})}`, values: listed},
  {what: 'list all', method: 'GET', path: '/images/json?all=1', values: listed},
  {what: 'inspect the new tag', method: 'GET', path: '/images/diff-img:v1/json', values: ['Id', 'RepoTags']},
  {what: 'remove a tag', method: 'DELETE', path: '/images/diff-img:v1', values: ['*.Untagged', '*.Deleted']},
  {what: 'remove a registry tag', method: 'DELETE', path: '/images/localhost:5000/diff/img:v2', values: ['*.Untagged', '*.Deleted']},
  {what: 'save', method: 'GET', path: '/images/get?names=busybox', headers: ['Content-Type']},
  {what: 'prune dangling images', method: 'POST', path: `/images/prune?filters=${filters({dangling: {true: true}})}`, values: ['ImagesDeleted', 'SpaceReclaimed']},
  {what: 'commit a container', method: 'POST', path: '/commit?container=diff-c&repo=diff-commit&tag=1&comment=c&author=a',
    prepare: [['run', '--name', 'diff-c', 'busybox', 'sh', '-c', 'echo x > /f']]},
  {what: 'inspect a committed image', method: 'GET', path: '/images/diff-commit:1/json', values: ['RepoTags', 'Comment', 'Author', 'Config.Cmd', 'RootFS.Layers.#', 'Parent']},
  {what: 'history of a committed image', method: 'GET', path: '/images/diff-commit:1/history', values: ['#', '*.Tags', '*.Comment', '*.CreatedBy']},
  {what: 'remove an image in use by a container, forced', method: 'DELETE', path: '/images/diff-commit:1?force=1',
    prepare: [['create', '--name', 'diff-uses', 'diff-commit:1']], values: ['*.Untagged']},
  {what: 'a build with --cache-from a loaded image gives that image', method: 'GET', path: `/images/json?filters=${filters({reference: ['diff-cf']})}`,
    prepare: [
      ['build', '-q', '-t', 'diff-cf:1', cacheContext], ['save', '-o', join(cacheContext, '{subnet}.tar'), 'diff-cf:1'], ['rmi', 'diff-cf:1'],
      ['load', '-i', join(cacheContext, '{subnet}.tar')], ['build', '-q', '--cache-from', 'diff-cf:1', '-t', 'diff-cf:2', cacheContext],
    ],
    values: ['#', '*.RepoTags'], timeoutMs: 60_000},
  {what: 'prune all unused images', method: 'POST', path: `/images/prune?filters=${filters({dangling: {false: true}})}`,
    prepare: [['rm', 'diff-c', 'diff-uses'], ['rmi', 'diff-cf:1', 'diff-cf:2']], values: ['ImagesDeleted.*.Untagged']},
  {what: 'pull from a registry that does not answer', method: 'POST', path: '/images/create?fromImage=127.0.0.1%3A9%2Fdiff%2Fnope&tag=latest',
    values: ['*.status', '*.error', 'message']},
];

differentialCases(test, 'images', cases);
