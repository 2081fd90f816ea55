/**
 * The import direction of STYLE.md §2, tested rather than hoped: contract depends on nothing of ours,
 * domain only on contract, the store never on services or HTTP, services never on HTTP, HTTP never on
 * the store (but for types), the agent only on the node contract, the console only on contract and
 * the role table.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

const files = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const p = join(dir, name);
    return statSync(join(ROOT, p)).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });

/** Relative imports of a file, as repository paths, with whether they are type-only. */
const importsOf = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => ({
    path: relative(ROOT, resolve(ROOT, dirname(file), m[3]!)),
    typeOnly: Boolean(m[2]),
  }));

const RULES: Array<{ from: string; forbidden: RegExp; allowTypes?: boolean; why: string }> = [
  { from: 'src/contract', forbidden: /^(?!src\/contract\/)/, why: 'contract imports only typebox and itself' },
  { from: 'src/domain', forbidden: /^(?!src\/(domain|contract)\/)/, why: 'domain rules do no I/O and know nothing else' },
  { from: 'src/store', forbidden: /^src\/(services|http|jobs|cli|demo)\//, why: 'the store is below the services' },
  { from: 'src/services', forbidden: /^src\/(http|cli|demo|jobs)\//, why: 'services know nothing of HTTP' },
  { from: 'src/http', forbidden: /^src\/store\//, allowTypes: true, why: 'HTTP calls services, never SQL' },
  { from: 'agent', forbidden: /^(?!agent\/|src\/contract\/node\.ts$|src\/contract\/common\.ts$|src\/contract\/client\.ts$|src\/contract\/countries\.ts$|src\/contract\/result-codes\.ts$)/, why: 'the agent shares only the node contract' },
  { from: 'console/src', forbidden: /^(?!console\/|src\/contract\/|src\/domain\/roles\.ts$)/, why: 'the console shares only the contract and the role table' },
];

describe('import direction', () => {
  for (const rule of RULES) {
    it(`${rule.from}: ${rule.why}`, () => {
      const offending = files(rule.from).flatMap((f) =>
        importsOf(f)
          .filter((i) => rule.forbidden.test(i.path) && !(rule.allowTypes && i.typeOnly))
          .map((i) => `${f} -> ${i.path}`),
      );
      expect(offending).toEqual([]);
    });
  }

  it('finds the imports it checks (the scanner itself works)', () => {
    expect(importsOf('src/http/app.ts').map((i) => i.path)).toContain('src/services/partner-auth.ts');
    expect(files('src/store').length).toBeGreaterThan(10);
  });
});
