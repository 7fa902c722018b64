/** The daemon's service options file (/etc/default/docker): parsed by src/common/service-options.ts, problems as ConfigError. */
import {readFileSync} from 'node:fs';
import * as options from '../../common/service-options.js';
import {ConfigError} from './daemon-config.js';

const configError = (message: string) => new ConfigError(message);

export const shellWords = (text: string, where: string): string[] => options.shellWords(text, where, configError);

export const parseServiceOptions = (file: string, text: string): options.ServiceOptions => options.parseServiceOptions(file, text, configError);

export function readServiceOptions(file: string): options.ServiceOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the service options file ${file}: ${(error as Error).message}`);
  }
  return parseServiceOptions(file, text);
}
