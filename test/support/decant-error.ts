import { expect } from 'vitest';
import { DecantError } from '../../src/core/errors';

/** Runs `f`, which must throw a DecantError; returns it so the test can check its message and place. */
export function decantErrorFrom(f: () => unknown, what = 'the call'): DecantError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecantError);
    return e as DecantError;
  }
  throw new Error(`${what} was accepted`);
}
