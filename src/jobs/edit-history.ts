/**
 * Undo and redo of a job's edits as a value: each edit pushes the job it replaced, and edits
 * with the same key close together (typing in one field) make one step. Pure; the editor keeps
 * the value in its state.
 */

/** Edits with the same key this close together are one step of undo (typing in a field). */
export const COALESCE_MS = 1500;
/** Steps kept for undo. */
const MAX_STEPS = 200;

export interface EditHistory<T> {
  past: readonly T[];
  future: readonly T[];
  /** The last edit's key and time, for coalescing; null after undo, redo or a reset. */
  lastKey: string | null;
  lastAt: number;
}

export function emptyHistory<T>(): EditHistory<T> {
  return { past: [], future: [], lastKey: null, lastAt: 0 };
}

/** The history after `current` is replaced by an edit (one step, or part of the last one). */
export function afterEdit<T>(
  h: EditHistory<T>,
  current: T,
  key: string | undefined,
  now: number,
): EditHistory<T> {
  const coalesce = key !== undefined && key === h.lastKey && now - h.lastAt < COALESCE_MS;
  return {
    past: coalesce ? h.past : [...h.past, current].slice(-MAX_STEPS),
    future: [],
    lastKey: key ?? null,
    lastAt: now,
  };
}

/** One step back from `current`: the job to show and the history after; null with none. */
export function undoStep<T>(
  h: EditHistory<T>,
  current: T,
): { value: T; history: EditHistory<T> } | null {
  const prev = h.past.at(-1);
  if (prev === undefined) return null;
  return {
    value: prev,
    history: {
      past: h.past.slice(0, -1),
      future: [...h.future, current],
      lastKey: null,
      lastAt: h.lastAt,
    },
  };
}

/** One step forward again from `current`; null when nothing was undone. */
export function redoStep<T>(
  h: EditHistory<T>,
  current: T,
): { value: T; history: EditHistory<T> } | null {
  const next = h.future.at(-1);
  if (next === undefined) return null;
  return {
    value: next,
    history: {
      past: [...h.past, current],
      future: h.future.slice(0, -1),
      lastKey: null,
      lastAt: h.lastAt,
    },
  };
}
