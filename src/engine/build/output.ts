/**
 * The build's JSON-lines reply, as the docker CLI renders it: `{"stream": text}` lines, `{"aux": {"ID"}}` for the
 * result, `{"errorDetail", "error"}` to fail. With `-q` everything is held back: success shows only the image ID,
 * failure shows what was held back and then the error, as dockerd does.
 */
export class BuildOutput {
  private readonly held: unknown[] = [];

  constructor(
    private readonly write: (message: unknown) => void,
    private readonly quiet: boolean,
  ) {}

  stream(text: string): void {
    this.emit({stream: text});
  }

  /** A pull's progress line (FROM of an image not yet here), passed on as the registry client wrote it. */
  progress(message: unknown): void {
    this.emit(message);
  }

  aux(id: string): void {
    this.emit({aux: {ID: id}});
  }

  private emit(message: unknown): void {
    if (this.quiet) this.held.push(message);
    else this.write(message);
  }

  succeeded(id: string): void {
    if (this.quiet) this.write({stream: `${id}\n`});
  }

  failed(message: string): void {
    if (this.quiet) for (const m of this.held) this.write(m);
    this.held.length = 0;
    this.write({errorDetail: {message}, error: message});
  }
}
