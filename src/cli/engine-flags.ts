/** Flags that pick which engine a `lab engine` command means; the defaults are Docker's own paths. */
import {Flags} from '@oclif/core';

export const execRootFlag = Flags.string({description: 'the engine\'s runtime directory, which identifies it (default: from daemon.json, else /var/run/docker)'});

export const engineFlags = {
  'data-root': Flags.string({description: 'where images and containers are stored (default: from daemon.json, else /var/lib/docker)'}),
  'exec-root': execRootFlag,
  host: Flags.string({char: 'H', description: 'API address: unix:///path or tcp://127.0.0.1:PORT (repeatable)', multiple: true}),
  'config-file': Flags.string({description: 'daemon.json to read (default /etc/docker/daemon.json when it exists)'}),
  'log-level': Flags.string({options: ['debug', 'info', 'warn', 'error', 'fatal']}),
  'options-file': Flags.string({description: 'a service options file (Debian\'s /etc/default/docker): the flags in its DOCKER_OPTS come first; lab engine restart reads it again'}),
};
