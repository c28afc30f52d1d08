import type { Rule, Ruleset } from './dqdl/ast';

/** Names of the other tables a ruleset reads (ReferentialIntegrity, RowCountMatch), to attach first. */
export function referencedTables(set: Ruleset): string[] {
  const out = new Set<string>();
  const visit = (r: Rule) => {
    if (r.kind !== 'rule') return r.rules.forEach(visit);
    if (r.type === 'RowCountMatch' && r.params[0]) out.add(r.params[0]);
    if (r.type === 'ReferentialIntegrity' && r.params[1]) {
      const p = r.params[1];
      const dot = p.lastIndexOf('.', p.includes('{') ? p.indexOf('{') : undefined);
      if (dot > 0) out.add(p.slice(0, dot));
    }
  };
  set.rules.forEach(visit);
  return [...out];
}
