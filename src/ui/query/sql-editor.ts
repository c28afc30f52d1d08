/**
 * The SQL editor: CodeMirror 6 with DuckDB's highlighting, completion of the catalog's names,
 * undo, and the Query area's keys. Tab is left to move focus (no keyboard trap); Ctrl/Cmd+Enter
 * runs; Up/Down browse the history while the editor is empty or shows a recalled statement.
 */
import { autocompletion, completionKeymap, completionStatus } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { DUCKDB_DIALECT } from '../../app/duckdb-dialect';

export interface SqlEditorHooks {
  /** The text changed (typed, pasted, inserted). */
  onChange(text: string): void;
  onRun(): void;
  /** Whether Up/Down browse the history now. */
  browsing(): boolean;
  /** The history entry `step` away (1 older, -1 newer); undefined when there is none. */
  recall(step: 1 | -1): string | undefined;
}

const theme = EditorView.theme({
  '&': {
    border: '1px solid var(--line)',
    borderRadius: '6px',
    background: 'var(--panel)',
    fontSize: '0.95rem',
  },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '2px' },
  '.cm-scroller': {
    fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
    minHeight: '8.5rem',
    maxHeight: '24rem',
    lineHeight: '1.45',
  },
  '.cm-content': { padding: '0.5rem 0' },
  '.cm-gutters': {
    background: 'var(--bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--line)',
  },
  '.cm-placeholder': { color: 'var(--muted)' },
});

/**
 * Text typed over a selection is replaced here rather than by the browser: Chromium keeps the
 * look of highlighted text it overwrites by adding `style` attributes, which the page's CSP
 * refuses (a console error on every such keystroke).
 */
const REPLACING_INPUT = new Set([
  'insertText',
  'insertReplacementText',
  'insertFromPaste',
  'insertFromDrop',
]);
const replaceSelectionTyping = EditorView.domEventHandlers({
  beforeinput(e, view) {
    if (!REPLACING_INPUT.has(e.inputType) || view.composing) return false;
    const text = e.data ?? e.dataTransfer?.getData('text/plain');
    if (!text || !e.cancelable) return false;
    if (view.state.selection.ranges.every((r) => r.empty)) return false;
    e.preventDefault();
    view.dispatch(view.state.replaceSelection(text), {
      userEvent: 'input.type',
      scrollIntoView: true,
    });
    return true;
  },
});

/** Makes the editor in `parent` (inside `root`, a shadow root: see SqlEditor.svelte). */
export function createSqlEditor(opts: {
  parent: HTMLElement;
  root: ShadowRoot | Document;
  doc: string;
  schema: SQLNamespace;
  label: string;
  hooks: SqlEditorHooks;
}): { view: EditorView; setSchema(schema: SQLNamespace): void } {
  const { hooks } = opts;
  const language = new Compartment();
  const langFor = (schema: SQLNamespace) =>
    sql({ dialect: DUCKDB_DIALECT, schema, upperCaseKeywords: true });

  const browse = (step: 1 | -1) => (view: EditorView) => {
    if (completionStatus(view.state) !== null || !hooks.browsing()) return false;
    // Within a recalled statement of several lines, the arrows move the cursor first.
    const { doc, selection } = view.state;
    const line = doc.lineAt(selection.main.head).number;
    if (line !== (step === 1 ? 1 : doc.lines)) return false;
    const text = hooks.recall(step);
    if (text === undefined) return false;
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: text },
      selection: { anchor: text.length },
      userEvent: 'input.recall',
    });
    return true;
  };

  const view = new EditorView({
    root: opts.root,
    parent: opts.parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ icons: false }),
        Prec.highest(
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                hooks.onRun();
                return true;
              },
            },
            { key: 'ArrowUp', run: browse(1) },
            { key: 'ArrowDown', run: browse(-1) },
          ]),
        ),
        keymap.of([...completionKeymap, ...historyKeymap, ...defaultKeymap]),
        language.of(langFor(opts.schema)),
        placeholder('SELECT * FROM database.table LIMIT 100'),
        EditorView.contentAttributes.of({
          'aria-label': opts.label,
          'data-testid': 'sql-editor',
          spellcheck: 'false',
          autocapitalize: 'off',
          autocorrect: 'off',
        }),
        EditorView.lineWrapping,
        replaceSelectionTyping,
        theme,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) hooks.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    setSchema: (schema) => view.dispatch({ effects: language.reconfigure(langFor(schema)) }),
  };
}
