/** Reading a body as Go's encoding/json reads it into the API's types: key matching, one-string commands, errors. */
import test from 'ava';
import {containerCreate} from '../../../src/engine/api/bodies/container-types.js';
import {execCreate} from '../../../src/engine/api/bodies/other-types.js';
import {decodeAs} from '../../../src/engine/api/request-body.js';
import {EngineError} from '../../../src/engine/errors.js';

test('keys match fields ignoring case; an exact name is preferred; unknown keys are left as they are', (t) => {
  const body = decodeAs<Record<string, unknown>>(containerCreate, {image: 'busybox', HOSTCONFIG: {memory: 5, cpushares: 2}, Unknown: 1});
  t.deepEqual(body, {Image: 'busybox', HostConfig: {Memory: 5, CpuShares: 2}, Unknown: 1});
  // As in Go, the later of two spellings of one field wins.
  t.deepEqual(decodeAs(containerCreate, {image: 'a', Image: 'b'}), {Image: 'b'});
  // Map keys are data, not fields: their case stays.
  t.deepEqual(decodeAs(containerCreate, {Labels: {image: 'x'}}), {Labels: {image: 'x'}});
});

test('a one-string Cmd, Entrypoint or CapAdd is a list of one; an exec Cmd is not (a []string in Go)', (t) => {
  t.deepEqual(decodeAs(containerCreate, {Cmd: 'true', Entrypoint: 'sh', HostConfig: {CapAdd: 'NET_ADMIN'}}), {Cmd: ['true'], Entrypoint: ['sh'], HostConfig: {CapAdd: ['NET_ADMIN']}});
  t.throws(() => decodeAs(execCreate, {Cmd: 'ls'}), {instanceOf: EngineError, message: 'json: cannot unmarshal string into Go struct field ExecConfig.Cmd of type []string'});
});

test('null is every field\'s zero value, as in Go', (t) => {
  t.deepEqual(decodeAs(containerCreate, {Image: null, HostConfig: {Memory: null, Binds: null}, Env: null}), {Image: null, HostConfig: {Memory: null, Binds: null}, Env: null});
});

test('the wrong type is named as Go names it, through structs, maps and lists', (t) => {
  const refusal = (body: unknown) => t.throws(() => decodeAs(containerCreate, body), {instanceOf: EngineError})?.message;
  t.is(refusal({Env: ['A=1', 2]}), 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string');
  t.is(refusal({HostConfig: {LogConfig: {Type: 5}}}), 'json: cannot unmarshal number into Go struct field LogConfig.HostConfig.LogConfig.Type of type string');
  t.is(refusal({HostConfig: {Ulimits: [{Name: 'nofile', Soft: 'x'}]}}), 'json: cannot unmarshal string into Go struct field Ulimit.HostConfig.Ulimits.Soft of type int64');
  t.is(refusal({HostConfig: {Mounts: [{BindOptions: {Propagation: 3}}]}}), 'json: cannot unmarshal number into Go struct field BindOptions.HostConfig.Mounts.BindOptions.Propagation of type mount.Propagation');
  t.is(refusal({HostConfig: {CpuShares: 1e30}}), 'json: cannot unmarshal number 1e30 into Go struct field HostConfig.HostConfig.CpuShares of type int64');
  t.is(refusal({HostConfig: 'x'}), 'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.HostConfig of type container.HostConfig');
  t.is(refusal('x'), 'json: cannot unmarshal string into Go value of type runconfig.ContainerConfigWrapper');
});
