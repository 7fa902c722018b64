/**
 * RUN: a container on the engine itself (on the default bridge, as dockerd's builder puts it, or the build's
 * --network), created from the current image with the stage's env,
 * build args, user and working directory; its output streamed into the build output as it is logged; its
 * upper dir, once it exits with 0, the step's layer. The history line (and cache key) is the command with
 * Docker's `|N ARG=value` prefix for the build args it saw.
 */
import {readdirSync} from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import {Writable} from 'node:stream';
import {streamLogs} from '../containers/logs.js';
import {rwLayerPaths} from '../containers/rw-layer.js';
import {exportDirectoryDiff} from '../layers/index.js';
import {shortId} from '../images/digest.js';
import {commitStep, currentConfig} from './commit.js';
import {at, BuildError} from '../dockerfile/errors.js';
import type {InstructionOf} from '../dockerfile/instructions.js';
import {argsPrefix, configOf, runEnv, shellOf, topChain, type StageState} from './state.js';
import {tryCache, type StepContext} from './step-context.js';

function outputWriter(ctx: StepContext): Writable {
  const decoder = new StringDecoder('utf8');
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = decoder.write(chunk);
      if (text) ctx.out.stream(text);
      done();
    },
  });
}

export async function runStep(ctx: StepContext, state: StageState, ins: InstructionOf<'RUN'>): Promise<void> {
  const command = ins.exec ?? [...shellOf(state), ins.shell!];
  const prefix = argsPrefix(state);
  const createdBy = prefix ? `${prefix} ${command.join(' ')}` : command.join(' ');
  const config = currentConfig(state);
  if (tryCache(ctx, state, createdBy, config)) return;
  if (!state.imageId) {
    throw at(ins.source, `RUN cannot run anything yet: this stage is FROM scratch and has no files (not even ${command[0]}); COPY a program in first, or start FROM an image with a shell`);
  }
  const record = ctx.containers.create({
    Image: state.imageId,
    Cmd: command,
    // The image's ENTRYPOINT does not wrap RUN commands.
    Entrypoint: [''],
    Env: runEnv(state, ctx.buildArgs),
    WorkingDir: configOf(state).WorkingDir || '',
    User: configOf(state).User || '',
    AttachStdout: false,
    AttachStderr: false,
    // The step's output is streamed from its log, so that log is json-file whatever the daemon's default, and
    // bounded: a command that prints without end must not fill the disk (the build output still gets it all).
    HostConfig: {NetworkMode: 'default', ...ctx.runLimits, LogConfig: {Type: 'json-file', Config: {'max-size': '16m', 'max-file': '3'}}},
  }, null);
  const id12 = record.ID.slice(0, 12);
  ctx.out.stream(` ---> Running in ${id12}\n`);
  try {
    const exit = ctx.containers.wait(record.ID, 'next-exit');
    let running = true;
    const follow = streamLogs(record.LogPath, outputWriter(ctx), {stdout: true, stderr: true, tail: 'all', timestamps: false, tty: true}, true, () => running);
    const cancel = () => void ctx.containers.kill(record.ID).catch(() => {});
    ctx.signal.addEventListener('abort', cancel);
    let code: number;
    try {
      await ctx.containers.start(record.ID);
      code = await exit.promise;
    } catch (error) {
      exit.cancel();
      throw at(ins.source, `RUN ${command.join(' ')}: ${(error as Error).message}`);
    } finally {
      running = false;
      ctx.signal.removeEventListener('abort', cancel);
      await follow.catch(() => {});
    }
    if (ctx.signal.aborted) throw new BuildError('the build was canceled');
    if (code !== 0) throw at(ins.source, `The command '${command.join(' ')}' returned a non-zero code: ${code}`);
    const upper = rwLayerPaths(ctx.images.layers, record.MountID).upper;
    let diffId: string | undefined;
    // A command that changed no file adds no layer (Docker records it as an empty layer).
    if (readdirSync(upper).length > 0) {
      const staged = await ctx.images.layers.stage(exportDirectoryDiff(upper));
      ctx.images.layers.commit(staged, topChain(state));
      diffId = staged.diffId;
    }
    commitStep(ctx.images, state, {createdBy, config, diffId});
  } finally {
    if (ctx.removeContainers) {
      await ctx.containers.remove(record.ID, {force: true, volumes: true}).catch(() => {});
      ctx.out.stream(` ---> Removed intermediate container ${shortId(record.ID)}\n`);
    }
  }
}
