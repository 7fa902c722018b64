/**
 * The remove verb against a fake runtime (no runc, no engine): a forced removal of a running container waits
 * for its exit with a deadline that it then clears, two removals of one container are one, and a removal that
 * fails leaves the container dead.
 */
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {AttachHub} from '../../../src/engine/containers/attach-hub.js';
import {ContainerStore} from '../../../src/engine/containers/container-store.js';
import type {ContainerContext} from '../../../src/engine/containers/context.js';
import {initialState} from '../../../src/engine/containers/record.js';
import type {ContainerRecord} from '../../../src/engine/model/container.js';
import {remove} from '../../../src/engine/containers/remove.js';
import {Restarts} from '../../../src/engine/containers/restarts.js';
import {apply} from '../../../src/engine/containers/state.js';
import {ExitWaiters} from '../../../src/engine/containers/wait.js';
import type {EventBus} from '../../../src/engine/events/event-bus.js';
import type {HealthMonitor} from '../../../src/engine/containers/health.js';
import type {ImageStore} from '../../../src/engine/images/image-store.js';
import {LayerStore} from '../../../src/engine/images/layer-store.js';
import type {OciRuntime} from '../../../src/engine/runtime/oci-runtime.js';
import type {Logger} from '../../../src/engine/util/log.js';
import type {ContainerVolumes} from '../../../src/engine/volumes/container-volumes.js';

const quiet: Logger = {debug() {}, info() {}, warn() {}, error() {}};

interface World {
  ctx: ContainerContext;
  events: string[];
  deletes: string[];
  kills: string[];
  dir: string;
}

/** A context whose runtime ends a container's process the moment it is killed, as the exit watcher would report it. */
function world(): World {
  const dir = mkdtempSync(join(tmpdir(), 'lab-remove-'));
  const store = new ContainerStore(dir);
  const events: string[] = [];
  const deletes: string[] = [];
  const kills: string[] = [];
  const waiters = new ExitWaiters();
  const runtime = {
    async kill(id: string) {
      kills.push(id);
      const c = store.get(id);
      queueMicrotask(() => {
        apply(c, {type: 'exit', exitCode: 137, finishedAt: new Date().toISOString(), oomKilled: false});
        waiters.exited(c, 137);
      });
    },
    async delete(id: string) {
      deletes.push(id);
    },
  } as unknown as OciRuntime;
  const ctx: ContainerContext = {
    store,
    images: {layers: new LayerStore(dir)} as unknown as ImageStore,
    events: {emit: (_type: string, action: string) => events.push(action)} as unknown as EventBus,
    log: quiet,
    runtime,
    paths: {runcRoot: join(dir, 'runc'), cgroupParent: '/docker', stateDir: (id) => join(dir, 'c', id.slice(0, 16))},
    attach: new AttachHub(),
    volumes: {release() {}} as unknown as ContainerVolumes,
    restarts: new Restarts(store, async () => 'started', quiet),
    health: {end() {}} as unknown as HealthMonitor,
    waiters,
    removals: new Map(),
    logConfig: {Type: 'json-file', Config: {}},
    start: async () => 'started',
    kill: async () => {},
    unpause: async () => {},
    remove: (ref, o) => remove(ctx, ref, o),
  };
  return {ctx, events, deletes, kills, dir};
}

function running(id: string): ContainerRecord {
  const c = {ID: id, Name: `/${id.slice(0, 4)}`, Image: 'sha256:0', Config: {}, HostConfig: {}, State: initialState(), MountID: 'none'} as unknown as ContainerRecord;
  apply(c, {type: 'start', pid: 4242, startedAt: new Date().toISOString()});
  return c;
}

/** Timers that keep the process alive (unref'd ones do not count). */
const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test.serial('a forced removal of a running container clears its exit deadline once the exit came', async (t) => {
  const w = world();
  const c = running('a'.repeat(64));
  await w.ctx.store.save(c);
  const before = liveTimers();
  await w.ctx.remove(c.ID, {force: true});
  t.is(w.ctx.store.find(c.ID), undefined);
  t.deepEqual(w.events, ['destroy']);
  t.is(liveTimers(), before, 'no timer left running after the removal');
  rmSync(w.dir, {recursive: true, force: true});
});

test.serial('two removals of one container are one', async (t) => {
  const w = world();
  const c = running('b'.repeat(64));
  await w.ctx.store.save(c);
  const [first, second] = [w.ctx.remove(c.ID, {force: true}), w.ctx.remove(c.ID, {force: true})];
  await Promise.all([first, second]);
  t.deepEqual(w.kills, [c.ID], 'the process was killed once');
  t.deepEqual(w.events, ['destroy']);
  rmSync(w.dir, {recursive: true, force: true});
});

test.serial('a running container is refused without force and stays running', async (t) => {
  const w = world();
  const c = running('c'.repeat(64));
  await w.ctx.store.save(c);
  await t.throwsAsync(w.ctx.remove(c.ID, {force: false}), {message: 'cannot remove container "/cccc": container is running: stop the container before removing or force remove'});
  t.is(w.ctx.store.get(c.ID).State.Status, 'running');
  t.deepEqual(w.deletes, []);
  rmSync(w.dir, {recursive: true, force: true});
});

test.serial('a removal that fails leaves the container dead, and it can be removed once the fault is gone', async (t) => {
  const w = world();
  const c = running('d'.repeat(64));
  apply(c, {type: 'exit', exitCode: 0, finishedAt: new Date().toISOString(), oomKilled: false});
  await w.ctx.store.save(c);
  // The writable layer cannot be read: its mount-id is a directory.
  const mountId = join(w.ctx.images.layers.layerdb, 'mounts', c.ID, 'mount-id');
  mkdirSync(mountId, {recursive: true});
  await t.throwsAsync(w.ctx.remove(c.ID, {force: false}), {code: 'EISDIR'});
  t.like(w.ctx.store.get(c.ID).State, {Status: 'dead', Dead: true, Running: false});
  t.deepEqual(w.events, []);
  rmSync(mountId, {recursive: true});
  await w.ctx.remove(c.ID, {force: false});
  t.is(w.ctx.store.find(c.ID), undefined);
  t.deepEqual(w.events, ['destroy']);
  rmSync(w.dir, {recursive: true, force: true});
});
