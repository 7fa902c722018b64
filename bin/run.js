#!/usr/bin/env node
// The `lab` command. The build bundles oclif and every command into dist/bundle/cli (code split, so a command's
// heavy parts still load only when it runs): one file to read at start instead of hundreds.
const {execute, settings} = await import('../dist/bundle/cli/lab.mjs');

// Always the compiled commands, also when NODE_ENV is "test" or "development".
settings.enableAutoTranspile = false;
await execute({dir: import.meta.url});
