/**
 * Request bodies are read as dockerd reads them into its Go types: a value of the wrong type is refused with
 * Go's message before anything is stored, keys match case-insensitively, a non-JSON Content-Type is refused,
 * and an image reference must be valid. Each expected answer is dockerd 20.10's own, checked against Debian's
 * dockerd where it is installed. (dockerd 20.10 answers 500 for a create or update body of the wrong type,
 * later ones 400; this engine answers 400, as dockerd does for the other bodies.)
 */
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../helpers/reference-dockerd.js';

const engine = busyboxEngine(test);

interface Case {
  what: string;
  path: string;
  body: string;
  contentType?: string;
  message: string;
  /** dockerd 20.10's status when it differs from this engine's 400. */
  dockerdStatus?: number;
}

const create = '/v1.41/containers/create';
const exec = '/v1.41/containers/strict-target/exec';
const update = '/v1.41/containers/strict-target/update';
const notJson = "Content-Type specified (text/plain) must be 'application/json'";

const cases: Case[] = [
  {what: 'a number for Image', path: create, body: '{"Image":5}', message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string', dockerdStatus: 500},
  {what: 'a string for Memory', path: create, body: '{"Image":"busybox","HostConfig":{"Memory":"lots"}}', message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64', dockerdStatus: 500},
  {what: 'lower-case keys with a wrong value', path: create, body: '{"image":"busybox","hostconfig":{"memory":"x"}}', message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64', dockerdStatus: 500},
  {what: 'a number for HostPort', path: create, body: '{"Image":"busybox","HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":80}]}}}', message: 'json: cannot unmarshal number into Go struct field PortBinding.HostConfig.PortBindings.HostPort of type string', dockerdStatus: 500},
  {what: 'a BlkioWeight beyond uint16', path: create, body: '{"Image":"busybox","HostConfig":{"BlkioWeight":70000}}', message: 'json: cannot unmarshal number 70000 into Go struct field HostConfig.HostConfig.BlkioWeight of type uint16', dockerdStatus: 500},
  {what: 'a fractional Memory', path: create, body: '{"Image":"busybox","HostConfig":{"Memory":1.5}}', message: 'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64', dockerdStatus: 500},
  {what: 'a string for a health interval', path: create, body: '{"Image":"busybox","Healthcheck":{"Interval":"1s"}}', message: 'json: cannot unmarshal string into Go struct field HealthConfig.Healthcheck.Interval of type time.Duration', dockerdStatus: 500},
  {what: 'a string for Aliases', path: create, body: '{"Image":"busybox","NetworkingConfig":{"EndpointsConfig":{"x":{"Aliases":"a"}}}}', message: 'json: cannot unmarshal string into Go struct field EndpointSettings.NetworkingConfig.EndpointsConfig.Aliases of type []string', dockerdStatus: 500},
  {what: 'a number for a label', path: create, body: '{"Image":"busybox","Labels":{"a":1}}', message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Labels of type string', dockerdStatus: 500},
  {what: 'an array for the whole body', path: create, body: '[1]', message: 'json: cannot unmarshal array into Go value of type runconfig.ContainerConfigWrapper', dockerdStatus: 500},
  {what: 'an invalid image reference', path: create, body: '{"Image":"../../x"}', message: 'invalid reference format'},
  {what: 'an upper-case image reference', path: create, body: '{"Image":"FOO"}', message: 'invalid reference format: repository name must be lowercase'},
  {what: 'a text/plain create', path: create, body: '{"Image":"busybox"}', contentType: 'text/plain', message: notJson},
  {what: 'a string for the exec Cmd', path: exec, body: '{"Cmd":"ls"}', message: 'json: cannot unmarshal string into Go struct field ExecConfig.Cmd of type []string'},
  {what: 'a number for exec Tty', path: exec, body: '{"Cmd":["ls"],"Tty":1}', message: 'json: cannot unmarshal number into Go struct field ExecConfig.Tty of type bool'},
  {what: 'a text/plain exec', path: exec, body: '{"Cmd":["ls"]}', contentType: 'text/plain', message: notJson},
  {what: 'a number for a subnet', path: '/v1.41/networks/create', body: '{"Name":"strict-n","IPAM":{"Config":[{"Subnet":1}]}}', message: 'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.Subnet of type string'},
  {what: 'a text/plain network create', path: '/v1.41/networks/create', body: '{"Name":"strict-n"}', contentType: 'text/plain', message: notJson},
  {what: 'a string for DriverOpts', path: '/v1.41/volumes/create', body: '{"Name":"strict-v","DriverOpts":"x"}', message: 'json: cannot unmarshal string into Go struct field VolumeCreateBody.DriverOpts of type map[string]string'},
  {what: 'a text/plain volume create', path: '/v1.41/volumes/create', body: '{"Name":"strict-v"}', contentType: 'text/plain', message: notJson},
  {what: 'a string for an update Memory', path: update, body: '{"Memory":"x"}', message: 'json: cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64', dockerdStatus: 500},
  {what: 'a number for a restart policy name', path: update, body: '{"RestartPolicy":{"Name":5}}', message: 'json: cannot unmarshal number into Go struct field RestartPolicy.RestartPolicy.Name of type string', dockerdStatus: 500},
  {what: 'a text/plain update', path: update, body: '{"Memory":8388608}', contentType: 'text/plain', message: notJson},
];

/** What a refused request could have left behind: containers, networks, volumes, the target's limits. */
async function stored(docker: (args: string[]) => Promise<{stdout: string}>) {
  const out = async (args: string[]) => (await docker(args)).stdout.trim();
  return {
    containers: await out(['ps', '-aq', '--no-trunc']),
    networks: await out(['network', 'ls', '-q']),
    volumes: await out(['volume', 'ls', '-q']),
    target: await out(['inspect', '--format', '{{json .HostConfig.Memory}} {{json .HostConfig.RestartPolicy}} {{.State.Status}}', 'strict-target']),
  };
}

test.serial('a body of the wrong shape is refused with Go\'s message, and nothing of it is stored', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'strict-target', 'busybox', 'sleep', '1000']);
  t.is(run.code, 0, run.stderr);
  const before = await stored(engine.docker);
  for (const c of cases) {
    const answer = await apiRequest(engine.socket, 'POST', c.path, {body: c.body, contentType: c.contentType});
    t.deepEqual({status: answer.status, json: answer.json}, {status: 400, json: {message: c.message}}, c.what);
  }
  t.deepEqual(await stored(engine.docker), before, 'nothing was created or changed');
  // The target still works: inspect and start were what a stored "Memory": "lots" used to break.
  t.is((await engine.docker(['exec', 'strict-target', 'true'])).code, 0);
  await engine.docker(['rm', '-f', 'strict-target']);
});

test.serial('keys match the API\'s fields whatever their case, and a one-string cmd is a list, as in Go', async (t) => {
  const answer = await apiRequest(engine.socket, 'POST', '/v1.41/containers/create?name=strict-lower', {body: '{"image":"busybox","cmd":"true","hostconfig":{"memory":8388608},"LABELS":{"k":"v"}}'});
  t.is(answer.status, 201, answer.body);
  const inspect = await engine.docker(['inspect', '--format', '{{json .Config.Cmd}} {{.HostConfig.Memory}} {{json (index .Config.Labels \"k\")}} {{.Config.Image}}', 'strict-lower']);
  t.is(inspect.stdout.trim(), '["true"] 8388608 "v" busybox');
  const start = await engine.docker(['start', '-a', 'strict-lower']);
  t.is(start.code, 0, start.stderr);
  await engine.docker(['rm', '-f', 'strict-lower']);
});

let dockerd: ReferenceDockerd | undefined;
test.after.always(async () => dockerd?.stop());

when(needsDockerd, test.serial)('dockerd answers each of these bodies with the same message', async (t) => {
  dockerd = await startReferenceDockerd();
  const load = await dockerd.docker(['load', '-i', (await busyboxArchive('docker')).path]);
  t.is(load.code, 0, load.stderr);
  t.is((await dockerd.docker(['run', '-d', '--name', 'strict-target', 'busybox', 'sleep', '1000'])).code, 0);
  const before = await stored(dockerd.docker);
  for (const c of cases) {
    const answer = await apiRequest(dockerd.socket, 'POST', c.path, {body: c.body, contentType: c.contentType});
    t.deepEqual({status: answer.status, json: answer.json}, {status: c.dockerdStatus ?? 400, json: {message: c.message}}, c.what);
  }
  t.deepEqual(await stored(dockerd.docker), before);
  const lower = await apiRequest(dockerd.socket, 'POST', '/v1.41/containers/create?name=strict-lower', {body: '{"image":"busybox","cmd":"true","hostconfig":{"memory":8388608},"LABELS":{"k":"v"}}'});
  t.is(lower.status, 201, lower.body);
  const inspect = await dockerd.docker(['inspect', '--format', '{{json .Config.Cmd}} {{.HostConfig.Memory}} {{json (index .Config.Labels \"k\")}} {{.Config.Image}}', 'strict-lower']);
  t.is(inspect.stdout.trim(), '["true"] 8388608 "v" busybox');
  await dockerd.docker(['rm', '-f', 'strict-target', 'strict-lower']);
});
