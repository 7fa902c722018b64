import {Command, Flags} from '@oclif/core';
import type {CourseRegistry} from '../../../lab/registry/index.js';

export default class RegistryStart extends Command {
  static override summary = "Start the course registry and make it the engine's mirror";
  static override description = `Starts Debian's docker-registry on a loopback port (storage under \${XDG_STATE_HOME:-~/.local/state}/lab/registry),
builds the course's images from their recipes (cached), pushes them with skopeo as library/<name>:<tag>, and adds
the registry to daemon.json's registry-mirrors and insecure-registries. Restart the engine if daemon.json changed.`;
  static override examples = ['<%= config.bin %> registry start', '<%= config.bin %> registry start --images hello-world,alpine,postgres'];
  static override enableJsonFlag = true;
  static override flags = {
    images: Flags.string({description: 'comma-separated recipe names to serve (default: every recipe, see lab image list)'}),
    port: Flags.integer({description: 'loopback port (default: the one used before, else a free one)', min: 1, max: 65535}),
    'daemon-json': Flags.string({description: "the engine's daemon.json to point at the registry", default: '/etc/docker/daemon.json'}),
    dir: Flags.string({description: 'where the registry keeps its config, storage and state', helpValue: 'DIR'}),
  };

  async run(): Promise<CourseRegistry> {
    const {flags} = await this.parse(RegistryStart);
    const {ensureCourseRegistry} = await import('../../../lab/registry/index.js');
    const images = flags.images?.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      const registry = await ensureCourseRegistry({
        dir: flags.dir, port: flags.port, images, daemonJson: flags['daemon-json'],
        progress: (m) => (this.jsonEnabled() ? undefined : process.stderr.write(`${m}\n`)),
      });
      if (!this.jsonEnabled()) this.log(`course registry on ${registry.url}: ${registry.references.join(', ')}`);
      return registry;
    } catch (error) {
      this.error((error as Error).message, {exit: 1});
    }
  }
}
