// docs/threat-model.md is kept true with the code: every row names the test that proves it, and
// this test fails when a named test file or test name no longer exists (renamed, deleted, moved).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('docs/threat-model.md', 'utf8');
const rows = doc
  .slice(doc.indexOf('## Rows'))
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| capability') && !/^\|[-| ]+\|$/.test(line));

/** `unit/x.test.ts › name…` → the file and the part of the name to look for (up to a quote or ellipsis). */
const references = (cell: string) =>
  [...cell.matchAll(/`((?:unit|relay|e2e)\/[\w.-]+\.(?:test|spec)\.ts)(?: › ([^`]*))?`/g)].map(
    ([, file = '', name]) => ({
      path: `tests/${file}`,
      name: name?.split(/[…"'({$]/)[0]?.trim() ?? '',
    }),
  );

describe('docs/threat-model.md', () => {
  it('has rows for every attacker class', () => {
    for (const who of [
      'Relay operator',
      'Link holder',
      'Network attacker',
      'Malicious partner',
      'Flooding client',
      'Other web sites',
      'Device thief',
    ]) {
      expect(doc).toContain(`### ${who}`);
    }
    expect(rows.length).toBeGreaterThan(30);
  });

  it('names, in every row, a test that exists', () => {
    const missing: string[] = [];
    for (const row of rows) {
      const cells = row.split(' | ');
      const refs = references(cells.at(-1) ?? '');
      if (refs.length === 0 && !/`e2e\/[\w.-]+\.spec\.ts`|npm run bench/.test(row))
        missing.push(`no test named: ${row.slice(0, 80)}`);
      for (const { path, name } of refs) {
        if (!existsSync(path)) {
          missing.push(`${path} does not exist`);
          continue;
        }
        if (name.length >= 8 && !readFileSync(path, 'utf8').includes(name))
          missing.push(`${path} has no test "${name}"`);
      }
    }
    expect(missing).toEqual([]);
  });
});
