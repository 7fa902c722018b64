/** Every grader by the name exercise files use (`"grader": "elf.hostBinary"`). */
import * as answers from './answers.js';
import * as binds from './binds.js';
import * as capabilities from './capabilities.js';
import * as commit from './commit.js';
import * as compose from './compose.js';
import * as cgroups from './cgroups.js';
import * as containers from './containers.js';
import * as daemon from './daemon.js';
import * as elf from './elf.js';
import * as info from './info.js';
import * as files from './files.js';
import * as images from './images.js';
import * as interactive from './interactive.js';
import * as isolation from './isolation.js';
import * as layerdb from './layerdb.js';
import * as life from './container-life.js';
import * as lifecycle from './lifecycle.js';
import * as namespaces from './namespaces.js';
import * as netns from './netns.js';
import * as overlay from './overlay.js';
import * as overlayfs from './overlayfs.js';
import * as postgres from './postgres.js';
import * as processChain from './process-chain.js';
import * as processes from './processes.js';
import * as registry from './registry.js';
import * as reveal from './reveal.js';
import * as stopping from './stopping.js';
import * as unshare from './unshare.js';
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
  'namespaces.hostPid': namespaces.hostPid,
  'namespaces.sharedNetwork': namespaces.sharedNetwork,
  'namespaces.sharedNetworkAnswer': namespaces.sharedNetworkAnswer,
  'capabilities.noneLeft': capabilities.noneLeft,
  'capabilities.onlyNetAdmin': capabilities.onlyNetAdmin,
  'capabilities.decodedDefaults': capabilities.decodedDefaults,
  'cgroups.limits': cgroups.limits,
  'cgroups.oomKilled': cgroups.oomKilled,
  'unshare.ownPidNamespace': unshare.ownPidNamespace,
  'unshare.ownHostname': unshare.ownHostname,
  'unshare.enteredContainer': unshare.enteredContainer,
  'overlayfs.mountedInOrder': overlayfs.mountedInOrder,
  'overlayfs.newFileInUpper': overlayfs.newFileInUpper,
  'overlayfs.copiedUp': overlayfs.copiedUp,
  'overlayfs.whiteout': overlayfs.whiteout,
  'overlayfs.lowersUntouched': overlayfs.lowersUntouched,
  'layerdb.imageMounted': layerdb.imageMounted,
  'layerdb.fileInUpperOnly': layerdb.fileInUpperOnly,
  'layerdb.cacheIds': layerdb.cacheIds,
  'daemon.configured': daemon.configured,
  'daemon.listening': daemon.listening,
  'daemon.apiAnswers': daemon.apiAnswers,
  'processes.interactiveShell': processes.interactiveShell,
  'processes.serverRunning': processes.serverRunning,
  'processes.hostPid': processes.hostPid,
  'processes.insidePid': processes.insidePid,
  'processes.chainAnswer': processChain.chainAnswer,
  'netns.vethIntoNamespace': netns.vethIntoNamespace,
  'compose.servicesByName': compose.servicesByName,
  'commit.committedFromContainer': commit.committedFromContainer,
  'commit.builtFromDockerfile': commit.builtFromDockerfile,
  'info.answered': info.answered,
  'reveal.logs': reveal.logs,
  'reveal.exec': reveal.exec,
  'reveal.inspect': reveal.inspect,
  'reveal.topPid': reveal.topPid,
  'lifecycle.stoppedAndStarted': lifecycle.stoppedAndStarted,
  'lifecycle.containerRemoved': lifecycle.containerRemoved,
  'lifecycle.imageRemoved': lifecycle.imageRemoved,
  'interactive.shellWithEnv': interactive.shellWithEnv,
  'binds.ranFromHost': binds.ranFromHost,
  'binds.editedOnHost': binds.editedOnHost,
  'registry.pushed': registry.pushed,
  'registry.pulledBack': registry.pulledBack,
  'isolation.interactiveContainer': isolation.interactiveContainer,
  'isolation.hostnameReported': isolation.hostnameReported,
  'isolation.addressReported': isolation.addressReported,
  'isolation.shellPidReported': isolation.shellPidReported,
  'isolation.sizeReported': isolation.sizeReported,
  'life.startedDetached': life.startedDetached,
  'life.detachedWithKeys': life.detachedWithKeys,
  'life.generatedName': life.generatedName,
  'life.namedContainer': life.namedContainer,
  'life.imageIdReported': life.imageIdReported,
  'stopping.killed': stopping.killed,
  'stopping.stopped': stopping.stopped,
  'stopping.exitCodesReported': stopping.exitCodesReported,
  'stopping.killedRemoved': stopping.killedRemoved,
  'stopping.pruned': stopping.pruned,
  'stopping.imagesPruned': stopping.imagesPruned,
  'stopping.imageRemoved': stopping.imageRemoved,
  'postgres.refused': postgres.refused,
  'postgres.withPassword': postgres.withPassword,
  'postgres.published': postgres.published,
  'postgres.tableReached': postgres.tableReached,
  'postgres.dataKept': postgres.dataKept,
};
