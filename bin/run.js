#!/usr/bin/env node
// The `lab` command. oclif loads only the command being run, so start-up stays light.
import {execute, settings} from '@oclif/core';

// Always the compiled commands, also when NODE_ENV is "test" or "development".
settings.enableAutoTranspile = false;
await execute({dir: import.meta.url});
