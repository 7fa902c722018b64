/** The Dockerfile parser and the word/variable rules, without an engine. */
import test from 'ava';
import {BuildError} from '../../../src/engine/dockerfile/errors.js';
import {toInstruction, type Instruction} from '../../../src/engine/dockerfile/instructions.js';
import {applyChangeLines, applyMetadata, type MetadataInstruction} from '../../../src/engine/dockerfile/metadata.js';
import {parseDockerfile} from '../../../src/engine/dockerfile/parser.js';
import {expandWord, expandWords, splitRaw} from '../../../src/engine/dockerfile/shell-words.js';
import {planBuild} from '../../../src/engine/build/stages.js';

const instructions = (text: string): Instruction[] => {
  const parsed = parseDockerfile(text);
  return parsed.lines.map((l) => toInstruction(l, parsed.escape));
};
const vars = (map: Record<string, string>) => (name: string) => map[name];

test('comments, blank lines and continuations make logical lines that keep their first line number', (t) => {
  const parsed = parseDockerfile([
    '# a comment',
    '',
    'FROM busybox',
    'RUN echo a && \\',
    '    # a comment inside the continuation vanishes',
    '    echo b',
    '  run   echo lower-case keyword',
    'ENV A=1 \\  ',
    '    B=2',
  ].join('\n'));
  t.deepEqual(parsed.lines.map((l) => [l.keyword, l.line, l.rest]), [
    ['FROM', 3, 'busybox'],
    ['RUN', 4, 'echo a &&     echo b'],
    ['RUN', 7, 'echo lower-case keyword'],
    ['ENV', 8, 'A=1     B=2'],
  ]);
  t.is(parsed.lines[1]!.original, 'RUN echo a &&     echo b');
  t.is(parsed.escape, '\\');
});

test('the escape directive changes the continuation character; syntax is noted and ignored', (t) => {
  const parsed = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM scratch\nCOPY a\\b `\n  c:\\dir\\\n');
  t.is(parsed.escape, '`');
  t.is(parsed.syntax, 'docker/dockerfile:1');
  t.is(parsed.lines[1]!.rest, 'a\\b   c:\\dir\\');
  t.regex(parsed.warnings.join('\n'), /syntax directive .* ignores it/);
  // After the first non-directive line, a directive-looking comment is a comment.
  t.is(parseDockerfile('FROM scratch\n# escape=`\nRUN a \\\n b').lines[1]!.rest, 'a  b');
});

test('bad directives and unknown instructions are refused with the line', (t) => {
  const bad = t.throws(() => parseDockerfile('# escape=x\nFROM scratch'), {instanceOf: BuildError});
  t.regex(bad.message, /^Dockerfile:1: invalid escape character 'x'/);
  const unknown = t.throws(() => parseDockerfile('FROM scratch\n\nCOPPY a /b\n', 'Dockerfile.dev'), {instanceOf: BuildError});
  t.is(unknown.message, 'Dockerfile.dev:3: unknown instruction: COPPY (did you mean COPY?)');
  const far = t.throws(() => parseDockerfile('FROM scratch\nfrobnicate\n'), {instanceOf: BuildError});
  t.is(far.message, 'Dockerfile:2: unknown instruction: frobnicate');
});

test('heredocs are refused at their line, before their body reads as instructions', (t) => {
  const error = t.throws(() => parseDockerfile('FROM busybox\nRUN <<EOF\necho hi\nEOF\n'), {instanceOf: BuildError});
  t.regex(error.message, /^Dockerfile:2: RUN <<EOF: heredocs are not supported/);
  t.regex(t.throws(() => parseDockerfile('FROM busybox\nCOPY <<-"END" /x\nEND\n'))!.message, /^Dockerfile:2: COPY <<END/);
  // Shift operators and quoted text are not heredocs.
  t.notThrows(() => parseDockerfile('FROM busybox\nRUN echo $((1<<2)) "<<EOF"\n'));
});

test('exec (JSON) form and shell form', (t) => {
  const [, run1, run2, cmd, entry, broken] = instructions([
    'FROM busybox',
    'RUN ["echo", "a b"]',
    'RUN echo "a b"',
    'CMD ["cat","/a"]',
    'ENTRYPOINT ./hello',
    'CMD [not json',
  ].join('\n'));
  t.deepEqual(run1, {...run1!, kind: 'RUN', exec: ['echo', 'a b']});
  t.is((run2 as {shell?: string}).shell, 'echo "a b"');
  t.deepEqual((cmd as {exec?: string[]}).exec, ['cat', '/a']);
  t.is((entry as {shell?: string}).shell, './hello');
  t.is((broken as {shell?: string}).shell, '[not json', 'invalid JSON is the shell form');
  const shellNeedsJson = t.throws(() => instructions('FROM busybox\nSHELL /bin/bash -c'));
  t.regex(shellNeedsJson.message, /^Dockerfile:2: SHELL requires the arguments to be in JSON form/);
});

test('substitution: $VAR, ${VAR}, defaults, alternatives, quotes and escapes', (t) => {
  const lookup = vars({NAME: 'world', EMPTY: '', TWO: 'a b'});
  t.is(expandWord('hello $NAME ${NAME}!', lookup, '\\'), 'hello world world!');
  t.is(expandWord('${MISSING:-fallback} ${EMPTY:-empty} ${EMPTY-set} ${MISSING-unset}', lookup, '\\'), 'fallback empty  unset');
  t.is(expandWord('${NAME:+alt} [${MISSING:+alt}] [${EMPTY:+alt}] [${EMPTY+alt}]', lookup, '\\'), 'alt [] [] [alt]');
  t.is(expandWord("'$NAME' \"$NAME\" \\$NAME", lookup, '\\'), '$NAME world $NAME');
  t.is(expandWord('${MISSING:-${NAME}s}', lookup, '\\'), 'worlds');
  t.is(expandWord('$ alone and $1', lookup, '\\'), '$ alone and ');
  t.is(expandWord('`$NAME', lookup, '`'), '$NAME');
  t.deepEqual(expandWords('$TWO "$TWO" c\\ d', lookup, '\\'), ['a', 'b', 'a b', 'c d']);
  t.deepEqual(splitRaw('A="x y" B=\'$z\' C=d\\ e', '\\'), ['A="x y"', "B='$z'", 'C=d\\ e']);
  t.throws(() => expandWord('${NAME', lookup, '\\'), {message: /missing '}'/});
  t.throws(() => expandWord('${MISSING:?must be set}', lookup, '\\'), {message: 'MISSING: must be set'});
  t.throws(() => expandWord('"open', lookup, '\\'), {message: /matching double-quote/});
});

test('ENV uses the values from before the instruction; its forms and history text', (t) => {
  const [, env1, env2, label] = instructions('FROM busybox\nENV A=hello\nENV B=$A C="${A} world" A=bye\nLABEL "my key"="a value" other=x');
  let config = applyMetadata(env1 as MetadataInstruction, {Env: ['PATH=/bin']}, vars({}), false).config;
  const lookup = (name: string) => config.Env?.find((e) => e.startsWith(`${name}=`))?.split('=')[1];
  const result = applyMetadata(env2 as MetadataInstruction, config, lookup, false);
  config = result.config;
  t.deepEqual(config.Env, ['PATH=/bin', 'A=bye', 'B=hello', 'C=hello world']);
  t.is(result.text, 'ENV B=hello C=hello world A=bye');
  const labels = applyMetadata(label as MetadataInstruction, config, lookup, false);
  t.deepEqual(labels.config.Labels, {'my key': 'a value', other: 'x'});
  const legacy = applyMetadata(instructions('FROM x\nENV GREETING hello there')[1] as MetadataInstruction, {}, vars({}), false);
  t.deepEqual(legacy.config.Env, ['GREETING=hello there']);
  t.regex(t.throws(() => instructions('FROM x\nENV A=1 B'))!.message, /^Dockerfile:2: ENV: syntax error - can't find = in "B"/);
});

test('CMD, ENTRYPOINT, WORKDIR, EXPOSE and the rest change the config as Docker does', (t) => {
  const list = instructions([
    'FROM busybox', 'CMD echo hi', 'ENTRYPOINT ["/bin/x"]', 'WORKDIR /app', 'WORKDIR sub/../lib', 'EXPOSE 80 53/udp 8000-8001',
    'USER nobody', 'VOLUME ["/data"]', 'STOPSIGNAL SIGINT', 'HEALTHCHECK --interval=1m30s --retries=2 CMD ["true"]', 'ONBUILD RUN make',
  ].join('\n'));
  let config = {Cmd: ['sh'], Entrypoint: null as string[] | null};
  let cmdSet = false;
  const texts: string[] = [];
  for (const ins of list.slice(1)) {
    const r = applyMetadata(ins as MetadataInstruction, config, vars({}), cmdSet);
    cmdSet ||= Boolean(r.cmdSet);
    config = r.config as typeof config;
    texts.push(r.text);
  }
  t.deepEqual(config, {
    Cmd: ['/bin/sh', '-c', 'echo hi'], Entrypoint: ['/bin/x'], WorkingDir: '/app/lib',
    ExposedPorts: {'80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {}}, User: 'nobody', Volumes: {'/data': {}}, StopSignal: 'SIGINT',
    Healthcheck: {Test: ['CMD', 'true'], Interval: 90e9, Retries: 2}, OnBuild: ['RUN make'],
  } as unknown as typeof config);
  t.is(texts[0], 'CMD ["/bin/sh" "-c" "echo hi"]');
  // An ENTRYPOINT without a CMD of the same stage drops the base image's CMD.
  const fresh = applyMetadata(list[2] as MetadataInstruction, {Cmd: ['sh']}, vars({}), false);
  t.is(fresh.config.Cmd, null);
  t.regex(t.throws(() => applyMetadata(instructions('FROM x\nEXPOSE 8080:80')[1] as MetadataInstruction, {}, vars({}), false))!.message, /^Dockerfile:2: EXPOSE 8080:80: publishing/);
});

test('stages: ARGs before FROM, names, --target, --label, step count and misplaced instructions', (t) => {
  const text = 'ARG V=1\nFROM busybox AS Build\nRUN make\nFROM scratch\nCOPY --from=build /x /x\n';
  const plan = planBuild(parseDockerfile(text), 'Dockerfile');
  t.is(plan.metaArgs.length, 1);
  t.deepEqual(plan.stages.map((s) => s.name), ['build', undefined]);
  t.is(plan.totalSteps, 5);
  const target = planBuild(parseDockerfile(text), 'Dockerfile', {target: 'build', labels: {a: "it's"}});
  t.is(target.stages.length, 1);
  t.is(target.totalSteps, 4, 'the --label step is counted');
  t.regex(t.throws(() => planBuild(parseDockerfile(text), 'Dockerfile', {target: 'nope'}))!.message, /failed to reach build target nope/);
  t.regex(t.throws(() => planBuild(parseDockerfile('RUN x\nFROM y'), 'Dockerfile'))!.message, /^Dockerfile:1: RUN cannot come before the first FROM/);
  t.regex(t.throws(() => planBuild(parseDockerfile('FROM a AS x\nFROM b AS x'), 'Dockerfile'))!.message, /^Dockerfile:2: duplicate name for build stage: "x"/);
  t.regex(t.throws(() => planBuild(parseDockerfile('# only a comment\n'), 'Dockerfile'))!.message, /file with no instructions/);
  t.regex(t.throws(() => instructions('FROM busybox\nCOPY onlyone'))!.message, /^Dockerfile:2: COPY requires at least two arguments/);
  t.regex(t.throws(() => instructions('FROM busybox\nRUN --mount=type=cache,target=/x make'))!.message, /^Dockerfile:2: the --mount option requires BuildKit/);
  t.regex(t.throws(() => instructions('FROM busybox\nCOPY --chwon=1 a b'))!.message, /^Dockerfile:2: COPY: unknown flag: --chwon/);
});

test('commit/import --change lines go through the same code', (t) => {
  const config = applyChangeLines({Env: ['PATH=/bin']}, ['ENV A=1 B="two words"', 'CMD ["sh"]', 'EXPOSE 80', 'WORKDIR /srv']);
  t.deepEqual(config, {Env: ['PATH=/bin', 'A=1', 'B=two words'], Cmd: ['sh'], ExposedPorts: {'80/tcp': {}}, WorkingDir: '/srv'});
  t.throws(() => applyChangeLines({}, ['RUN make']), {message: 'RUN is not a valid change command'});
});
