import {Args, Command, Flags} from '@oclif/core';
import type {BuildProgress, BuildResult} from '../../../debian-images/index.js';

const STEP_LABELS: Partial<Record<BuildProgress['step'], string>> = {
  resolve: 'package',
  download: 'download',
  extract: 'extract',
  debootstrap: 'debootstrap',
  clean: 'clean',
  rootfs: 'rootfs',
  layer: 'layer',
  archive: 'archive',
  cached: 'cached',
};

export default class ImageBuild extends Command {
  static override summary = 'Build a base container image from Debian packages, as a tarball for docker load';
  static override description = `Builds the image described by vm-images/<name>/recipe.json: fetches the Debian packages with apt-get
(or reuses the .debs apt already has), unpacks them, writes one reproducible layer and saves a docker-archive.
Recipes of kind "debootstrap" (debian) instead install a whole root filesystem with debootstrap from the host's
apt mirror (as root) and clean it like Docker's debian image.
The same package versions always give the same image ID. Results are cached under
\${XDG_CACHE_HOME:-~/.cache}/lab/images and rebuilt only when the recipe or a package (index) changes.`;
  static override examples = [
    '<%= config.bin %> image build busybox',
    '<%= config.bin %> image build busybox --format oci -o busybox.tar',
    '<%= config.bin %> image build debian -o debian.tar',
    'docker load -i "$(<%= config.bin %> image build busybox --json | jq -r .path)"',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({description: 'recipe name, a folder of vm-images/ (e.g. busybox, debian)', required: true}),
  };
  static override flags = {
    format: Flags.option({
      options: ['docker', 'oci'] as const,
      default: 'docker' as const,
      description: 'archive layout: docker (docker save before Docker 25) or oci (Docker 25+)',
    })(),
    output: Flags.string({char: 'o', description: 'also write the archive to FILE', helpValue: 'FILE'}),
  };

  async run(): Promise<BuildResult> {
    const {args, flags} = await this.parse(ImageBuild);
    const {buildImageArchive, BuildError, RecipeError} = await import('../../../debian-images/index.js');
    const {default: chalk} = await import('chalk');
    const started = performance.now();

    // Progress goes to stderr so --json output on stdout stays clean.
    const onProgress = (p: BuildProgress) => {
      const label = STEP_LABELS[p.step];
      if (label && !this.jsonEnabled()) process.stderr.write(`${chalk.cyan(label.padEnd(11))} ${p.message}\n`);
    };

    let result: BuildResult;
    try {
      result = await buildImageArchive(args.name, {format: flags.format, out: flags.output, onProgress});
    } catch (error) {
      if (error instanceof RecipeError || error instanceof BuildError) this.error(error.message, {exit: 1});
      throw error;
    }

    if (!this.jsonEnabled()) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      this.log(`${chalk.green('✓')} ${result.repoTags.join(', ')} ${chalk.dim(`(${result.cached ? 'cached' : `built in ${seconds}s`}, ${result.format} format)`)}`);
      this.log(`  path      ${result.path}`);
      this.log(`  image ID  ${result.imageId}`);
      this.log(`  load it   docker load -i ${result.path}`);
    }
    return result;
  }
}
