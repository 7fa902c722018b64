/**
 * A build that cannot go on. The message is what the student reads, so it names the Dockerfile and the line
 * ("Dockerfile:3: COPY failed: ...") whenever the failure belongs to one instruction.
 */
export class BuildError extends Error {
  override name = 'BuildError';
}

/** Where an instruction came from, for messages. */
export interface SourceLocation {
  file: string;
  line: number;
}

export function at(where: SourceLocation, message: string): BuildError {
  return new BuildError(`${where.file}:${where.line}: ${message}`);
}

/** An error raised while lexing words, before the caller knows which line it was working on. */
export class SyntaxProblem extends Error {
  override name = 'SyntaxProblem';
}
