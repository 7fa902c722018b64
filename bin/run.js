#!/usr/bin/env node
// The `lab` command. oclif loads only the command being run, so start-up stays light.
import {execute} from '@oclif/core';

await execute({dir: import.meta.url});
