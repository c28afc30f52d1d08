import { DecantError } from '../../core/errors';

/** Where in a ruleset's text an error is: 1-based line and column, and the 0-based offset. */
export interface TextPosition {
  line: number;
  column: number;
  offset: number;
}

/** A DQDL ruleset that does not parse, with the position of the character at fault. */
export class DqdlSyntaxError extends DecantError {
  override name = 'DqdlSyntaxError';
  constructor(
    message: string,
    readonly position: TextPosition,
    /** The message without its position, for an editor that shows the position itself. */
    readonly reason: string,
  ) {
    super(message, { line: position.line, domain: 'quality' });
  }
}

/** Line and column (1-based, columns in UTF-16 units) of `offset` in `source`. */
export function positionAt(source: string, offset: number): TextPosition {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, offset };
}

/** `quality: line 3, column 14: …` at `offset` of `source`. */
export function dqdlSyntaxError(source: string, offset: number, reason: string): DqdlSyntaxError {
  const p = positionAt(source, offset);
  return new DqdlSyntaxError(`quality: line ${p.line}, column ${p.column}: ${reason}`, p, reason);
}
