import {Command} from '@oclif/core';

interface RecipeRow {
  name: string;
  tags: string[];
  kind: 'packages' | 'debootstrap';
  from: string;
  description: string;
}

export default class ImageList extends Command {
  static override summary = 'List the images the recipes build (the course registry serves them)';
  static override description = `Lists every image recipe: the package's own in vm-images/ and a course's own, from the folders named in
LAB_IMAGE_RECIPES (colon-separated, each holding <name>/recipe.json; a course's recipe of the same name wins).
Build one with "lab image build NAME".`;
  static override examples = ['<%= config.bin %> image list', 'LAB_IMAGE_RECIPES=./course-images <%= config.bin %> image list --json'];
  static override enableJsonFlag = true;

  async run(): Promise<RecipeRow[]> {
    await this.parse(ImageList);
    const {listRecipeEntries, loadRecipeByName, RecipeError} = await import('../../../debian-images/index.js');
    const rows: RecipeRow[] = [];
    for (const {name, dir} of await listRecipeEntries()) {
      try {
        const {recipe} = await loadRecipeByName(name, dir);
        rows.push({name, tags: recipe.image.tags, kind: recipe.kind ?? 'packages', from: dir, description: recipe.description ?? ''});
      } catch (error) {
        if (error instanceof RecipeError) this.error(error.message, {exit: 1});
        throw error;
      }
    }
    if (!this.jsonEnabled()) {
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      this.log(`${'NAME'.padEnd(width)}  ${'KIND'.padEnd(11)}  TAGS`);
      for (const r of rows) this.log(`${r.name.padEnd(width)}  ${r.kind.padEnd(11)}  ${r.tags.join(', ')}`);
    }
    return rows;
  }
}
