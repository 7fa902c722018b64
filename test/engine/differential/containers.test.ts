/**
 * The same container requests to labd and Debian's dockerd, in the order a client makes them: create with the
 * CLI's and Compose's bodies, inspect, list with filters, the lifecycle verbs, logs, top, stats, rename,
 * update, changes, the archive, exec, prune.
 */
import test from 'ava';
import {cliCreateBody, cliExecBody, cliUpdateBody, composeCreateBody, filters} from '../../helpers/differential/bodies.js';
import {differentialCases, type Case} from '../../helpers/differential/harness.js';

const state = ['State.Status', 'State.Running', 'State.Paused', 'State.Restarting', 'State.OOMKilled', 'State.Dead', 'State.ExitCode', 'State.Error'];
const config = ['Name', 'Path', 'Args', 'Config.Cmd', 'Config.Image', 'Config.Env', 'Config.Entrypoint', 'Config.Labels', 'Config.Tty', 'Config.OpenStdin',
  'HostConfig.NetworkMode', 'HostConfig.RestartPolicy', 'HostConfig.LogConfig.Type', 'HostConfig.Memory', 'HostConfig.AutoRemove', 'Driver', 'RestartCount', 'Image'];
const listed = ['#', '*.Names', '*.State', '*.Command', '*.Image', '*.Labels', '*.Ports', '*.ImageID'];

const cases: Case[] = [
  {what: 'create with the CLI\'s body', method: 'POST', path: '/containers/create?name=diff-a', body: cliCreateBody(['sleep', '1000']), values: ['Warnings']},
  {what: 'inspect a created container', method: 'GET', path: '/containers/diff-a/json', values: [...state, ...config]},
  {what: 'start', method: 'POST', path: '/containers/diff-a/start', sameBody: true},
  {what: 'start a running container', method: 'POST', path: '/containers/diff-a/start', sameBody: true},
  {what: 'inspect a running container', method: 'GET', path: '/containers/diff-a/json', values: [...state, ...config]},
  {what: 'list running containers', method: 'GET', path: '/containers/json', values: listed},
  {what: 'list all, by name', method: 'GET', path: `/containers/json?all=1&filters=${filters({name: ['diff-a']})}`, values: listed},
  {what: 'list by status', method: 'GET', path: `/containers/json?all=1&filters=${filters({status: ['exited']})}`, values: listed},
  {what: 'list by label', method: 'GET', path: `/containers/json?all=1&filters=${filters({label: ['diff=1']})}`,
    prepare: [['create', '--name', 'diff-l', '--label', 'diff=1', 'busybox', 'true']], values: listed},
  {what: 'list with sizes', method: 'GET', path: '/containers/json?all=1&size=1', values: ['#', '*.Names', '*.SizeRw']},
  {what: 'top', method: 'GET', path: '/containers/diff-a/top', values: ['Titles', 'Processes.#']},
  {what: 'top with ps arguments', method: 'GET', path: '/containers/diff-a/top?ps_args=-o%20pid,comm', values: ['Titles', 'Processes.#']},
  {what: 'stats, one shot', method: 'GET', path: '/containers/diff-a/stats?stream=false&one-shot=true', values: ['name', 'pids_stats.current']},
  {what: 'rename', method: 'POST', path: '/containers/diff-a/rename?name=diff-b', sameBody: true},
  {what: 'inspect after rename', method: 'GET', path: '/containers/diff-b/json', values: ['Name']},
  {what: 'update memory with the CLI\'s body', method: 'POST', path: '/containers/diff-b/update', body: cliUpdateBody(64 * 1024 * 1024), values: ['Warnings']},
  {what: 'update memory and swap with the CLI\'s body', method: 'POST', path: '/containers/diff-b/update', body: {...cliUpdateBody(64 * 1024 * 1024), MemorySwap: -1}, values: ['Warnings']},
  {what: 'inspect after update', method: 'GET', path: '/containers/diff-b/json', values: ['HostConfig.Memory', 'HostConfig.MemorySwap']},
  {what: 'changes of a running container', method: 'GET', path: '/containers/diff-b/changes',
    prepare: [['exec', 'diff-b', 'sh', '-c', 'mkdir /made && echo x > /made/file && rm /bin/wget']], values: ['*.Path', '*.Kind']},
  {what: 'archive stat (HEAD)', method: 'HEAD', path: '/containers/diff-b/archive?path=/made/file', statHeader: true, values: ['name', 'size', 'mode', 'linkTarget']},
  {what: 'archive stat of a missing path', method: 'HEAD', path: '/containers/diff-b/archive?path=/nope'},
  {what: 'archive GET', method: 'GET', path: '/containers/diff-b/archive?path=/made', statHeader: true, headers: ['Content-Type'], values: ['name', 'mode']},
  {what: 'archive PUT of an empty body', method: 'PUT', path: '/containers/diff-b/archive?path=/made', contentType: 'application/x-tar', body: '', sameBody: true},
  {what: 'exec create with the CLI\'s body', method: 'POST', path: '/containers/diff-b/exec', body: cliExecBody(['true']), save: {exec: 'Id'}},
  {what: 'exec inspect before start', method: 'GET', path: '/exec/{exec}/json',
    values: ['Running', 'ExitCode', 'ProcessConfig', 'OpenStdin', 'OpenStderr', 'OpenStdout', 'CanRemove', 'DetachKeys', 'Pid']},
  {what: 'kill with SIGKILL', method: 'POST', path: '/containers/diff-b/kill?signal=SIGKILL', sameBody: true},
  {what: 'wait for a killed container', method: 'POST', path: '/containers/diff-b/wait', values: ['StatusCode', 'Error']},
  {what: 'inspect a killed container', method: 'GET', path: '/containers/diff-b/json', values: state},
  {what: 'kill a stopped container', method: 'POST', path: '/containers/diff-b/kill'},
  {what: 'restart', method: 'POST', path: '/containers/diff-b/restart?t=1', sameBody: true},
  {what: 'inspect after restart', method: 'GET', path: '/containers/diff-b/json', values: [...state, 'RestartCount']},
  {what: 'stop', method: 'POST', path: '/containers/diff-b/stop?t=1', sameBody: true},
  {what: 'stop a stopped container', method: 'POST', path: '/containers/diff-b/stop?t=1', sameBody: true},
  {what: 'inspect a stopped container', method: 'GET', path: '/containers/diff-b/json', values: state},
  {what: 'wait for not-running on a stopped container', method: 'POST', path: '/containers/diff-b/wait?condition=not-running', values: ['StatusCode']},
  {what: 'logs of a finished container, both streams', method: 'GET', path: '/containers/diff-log/logs?stdout=1&stderr=1',
    prepare: [['run', '--name', 'diff-log', 'busybox', 'sh', '-c', 'echo out; sleep 0.2; echo err >&2; sleep 0.2; echo last']], sameBody: true, headers: ['Content-Type']},
  {what: 'logs, stdout only, tail 1', method: 'GET', path: '/containers/diff-log/logs?stdout=1&tail=1', sameBody: true},
  {what: 'logs of a tty container', method: 'GET', path: '/containers/diff-tty/logs?stdout=1&stderr=1',
    prepare: [['run', '-t', '--name', 'diff-tty', 'busybox', 'echo', 'tty']], sameBody: true},
  {what: 'remove a finished container', method: 'DELETE', path: '/containers/diff-log', sameBody: true},
  {what: 'create as Compose does, on the project network with an alias', method: 'POST', path: '/containers/create?name=diffproj_web_1',
    prepare: [['network', 'create', '--subnet', '{subnet}.0/24', '--label', 'com.docker.compose.project=diffproj', 'diffproj_default']], body: composeCreateBody, values: ['Warnings']},
  {what: 'inspect a Compose container', method: 'GET', path: '/containers/diffproj_web_1/json',
    values: [...state, 'Config.Labels', 'HostConfig.NetworkMode', 'HostConfig.Links', 'HostConfig.Binds', 'NetworkSettings.Networks.diffproj_default.Aliases']},
  {what: 'Compose lists its project\'s containers', method: 'GET', path: `/containers/json?all=1&filters=${filters({label: ['com.docker.compose.project=diffproj', 'com.docker.compose.oneoff=False']})}`, values: listed},
  {what: 'start a Compose container', method: 'POST', path: '/containers/diffproj_web_1/start', sameBody: true},
  {what: 'inspect a running Compose container', method: 'GET', path: '/containers/diffproj_web_1/json',
    values: [...state, 'NetworkSettings.Networks.diffproj_default.Aliases']},
  {what: 'force-remove a running container', method: 'DELETE', path: '/containers/diffproj_web_1?force=1&v=1', sameBody: true},
  {what: 'prune stopped containers', method: 'POST', path: '/containers/prune', values: ['ContainersDeleted.#', 'SpaceReclaimed']},
  {what: 'list after prune', method: 'GET', path: '/containers/json?all=1', values: listed},
];

differentialCases(test, 'containers', cases);
