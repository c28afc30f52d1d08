/**
 * A crawl's notes, shortened for people: notes of the form `path: what` that say the same thing
 * about several files become one line, `N files (a.csv, b.csv, …): what`. A crawl of 10,000 files
 * no classifier fits would otherwise say the same sentence 10,000 times. Pure.
 */
export function summarizeNotes(notes: readonly string[], examples = 3): string[] {
  const byWhat = new Map<string, string[]>();
  const order: string[] = [];
  for (const note of notes) {
    const at = note.indexOf(': ');
    const key = at < 0 ? note : note.slice(at + 2);
    const path = at < 0 ? null : note.slice(0, at);
    if (!byWhat.has(key)) {
      byWhat.set(key, []);
      order.push(key);
    }
    if (path !== null) byWhat.get(key)!.push(path);
    else byWhat.get(key)!.push('');
  }
  return order.map((what) => {
    const paths = byWhat.get(what)!;
    if (paths.length === 1) return paths[0] ? `${paths[0]}: ${what}` : what;
    const shown = paths.slice(0, examples).join(', ');
    const more = paths.length > examples ? ', …' : '';
    return `${paths.length} files (${shown}${more}): ${what}`;
  });
}
