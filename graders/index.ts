/** Every grader by the name exercise files use (`"grader": "elf.hostBinary"`). */
import * as answers from './answers.js';
import * as containers from './containers.js';
import * as elf from './elf.js';
import * as files from './files.js';
import * as images from './images.js';
import * as namespaces from './namespaces.js';
import * as overlay from './overlay.js';
import type {Grader} from './types.js';

export const graders: Record<string, Grader> = {
  'elf.hostBinary': elf.hostBinary,
  'images.scratchImageWithFile': images.scratchImageWithFile,
  'images.imagePresent': images.imagePresent,
  'images.imageWithPackage': images.imageWithPackage,
  'containers.failedRun': containers.failedRun,
  'containers.succeededRun': containers.succeededRun,
  'containers.restartedAndAttached': containers.restartedAndAttached,
  'overlay.copyUpRestored': overlay.copyUpRestored,
  'overlay.imageLayerUntouched': overlay.imageLayerUntouched,
  'files.hostModeIs': files.hostModeIs,
  'answers.choice': answers.choice,
  'namespaces.isolated': namespaces.isolated,
};
