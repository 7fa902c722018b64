/** A recipe file that cannot be used as written; the message names the file and the JSON path. */
export class RecipeError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid recipe:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'RecipeError';
  }
}

/** A step of the build failed (apt, dpkg, running the unpacked binary, ...). */
export class BuildError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = 'BuildError';
  }
}
