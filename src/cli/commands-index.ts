/**
 * Every command, for oclif's explicit discovery: the build bundles this file with oclif into one module, so that
 * `lab` starts without resolving and reading dozens of files (slow in an emulated VM). Keep it in step with commands/.
 */
import Answer from './commands/answer.js';
import Check from './commands/check.js';
import ClassDestroy from './commands/class/destroy.js';
import ClassImport from './commands/class/import.js';
import ClassStart from './commands/class/start.js';
import ClassStatus from './commands/class/status.js';
import ClassStop from './commands/class/stop.js';
import Destroy from './commands/destroy.js';
import Doctor from './commands/doctor.js';
import EngineEnv from './commands/engine/env.js';
import EngineRestart from './commands/engine/restart.js';
import EngineStart from './commands/engine/start.js';
import EngineStatus from './commands/engine/status.js';
import EngineStop from './commands/engine/stop.js';
import ExerciseLint from './commands/exercise/lint.js';
import ExerciseList from './commands/exercise/list.js';
import ExerciseTest from './commands/exercise/test.js';
import Grades from './commands/grades.js';
import GradesCollect from './commands/grades/collect.js';
import GradesKey from './commands/grades/key.js';
import Hint from './commands/hint.js';
import Show from './commands/show.js';
import HomeworkCheck from './commands/homework/check.js';
import HomeworkLint from './commands/homework/lint.js';
import ImageBuild from './commands/image/build.js';
import ImageList from './commands/image/list.js';
import RegistryStart from './commands/registry/start.js';
import RegistryStatus from './commands/registry/status.js';
import RegistryStop from './commands/registry/stop.js';
import Reset from './commands/reset.js';
import Ssh from './commands/ssh.js';
import Start from './commands/start.js';
import Status from './commands/status.js';
import Stop from './commands/stop.js';
import Submit from './commands/submit.js';
import VmBuild from './commands/vm/build.js';
import VmDestroy from './commands/vm/destroy.js';
import VmLs from './commands/vm/ls.js';
import VmStart from './commands/vm/start.js';
import VmStop from './commands/vm/stop.js';
import Worker from './commands/worker.js';

export {execute, settings} from '@oclif/core';

export const COMMANDS = {
  'answer': Answer,
  'check': Check,
  'class:destroy': ClassDestroy,
  'class:import': ClassImport,
  'class:start': ClassStart,
  'class:status': ClassStatus,
  'class:stop': ClassStop,
  'destroy': Destroy,
  'doctor': Doctor,
  'engine:env': EngineEnv,
  'engine:restart': EngineRestart,
  'engine:start': EngineStart,
  'engine:status': EngineStatus,
  'engine:stop': EngineStop,
  'exercise:lint': ExerciseLint,
  'exercise:list': ExerciseList,
  'exercise:test': ExerciseTest,
  'grades': Grades,
  'grades:collect': GradesCollect,
  'grades:key': GradesKey,
  'hint': Hint,
  'homework:check': HomeworkCheck,
  'homework:lint': HomeworkLint,
  'image:build': ImageBuild,
  'image:list': ImageList,
  'registry:start': RegistryStart,
  'registry:status': RegistryStatus,
  'registry:stop': RegistryStop,
  'reset': Reset,
  'ssh': Ssh,
  'start': Start,
  'show': Show,
  'status': Status,
  'stop': Stop,
  'submit': Submit,
  'vm:build': VmBuild,
  'vm:destroy': VmDestroy,
  'vm:ls': VmLs,
  'vm:start': VmStart,
  'vm:stop': VmStop,
  'worker': Worker,
};
