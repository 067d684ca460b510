import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layers are held by two guards: TypeScript project references (`npm run typecheck`, `tsc -b`) and
 * Biome's import rules (`npm run lint`). Each case writes one forbidden import into a scratch copy of
 * the tree (never the repository itself) and shows the guard that should refuse it does, naming the
 * file and the rule; the untouched copy passes both first. docs/architecture.md lists the arrows.
 */

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'node_modules/.bin');
/** Every layer project the cases touch; `tsc -b` of these builds core, ports, adapters, models, ui, workers, relay and app. */
const LAYER_PROJECTS = ['src/ui', 'src/workers', 'relay', 'tsconfig.app.json'];

let scratch = '';

const run = (bin: string, args: string[]) => {
  const r = spawnSync(join(BIN, bin), args, { cwd: scratch, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
const tsc = (...projects: string[]) => run('tsc', ['-b', ...projects]);
const lint = (...files: string[]) => run('biome', ['lint', '--vcs-enabled=false', ...files]);

/**
 * Files a failed build leaves beside the sources: tsc emits a file it was not allowed to see (TS6307)
 * next to its source, where the next build's `include` would pick it up. src and relay hold none.
 */
const removeStrayOutputs = () => {
  for (const dir of ['src', 'relay']) {
    for (const f of readdirSync(join(scratch, dir), { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.js') || f.endsWith('.d.ts')) rmSync(join(scratch, dir, f));
    }
  }
};

/** Runs `check` with `line` added to `file`, then puts the tree back as it was. */
const withLine = <T>(file: string, line: string, check: () => T): T => {
  const path = join(scratch, file);
  const before = readFileSync(path, 'utf8');
  appendFileSync(path, `\n${line}\n`);
  try {
    return check();
  } finally {
    writeFileSync(path, before);
    removeStrayOutputs();
  }
};

interface Arrow {
  name: string;
  file: string;
  line: string;
  /** The compiler refuses it: the project to build and what its error must say. */
  tsc?: { project: string; error: RegExp };
  /** Biome refuses it: the rule that must fire. */
  lint?: RegExp;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** TypeScript's refusal of a file outside the project and the projects it references. */
const notListed = (file: string, project: string) =>
  new RegExp(
    `error TS6307: File '[^']*${escapeRegExp(file)}' is not listed within the file list of project '[^']*${escapeRegExp(project)}/tsconfig\\.json'`,
  );

const ARROWS: Arrow[] = [
  {
    name: 'ui → Trystero',
    file: 'src/ui/format.ts',
    line: "import { joinRoom } from '@trystero-p2p/nostr';\nexport const sneak = joinRoom;",
    // A package in node_modules is visible to every project: only the linter can refuse it per folder.
    lint: /noRestrictedImports/,
  },
  {
    name: "ui → an adapter's implementation",
    file: 'src/ui/format.ts',
    line: "import { createTrysteroSignaling } from '../adapters/signaling/trystero';\nexport const sneak = createTrysteroSignaling;",
    tsc: { project: 'src/ui', error: notListed('src/adapters/signaling/trystero.ts', 'src/ui') },
    lint: /noRestrictedImports/,
  },
  {
    name: "ui → an adapter's port (it must come through the models)",
    file: 'src/ui/format.ts',
    line: "import type { MediaDevice } from '../adapters/media/types';\nexport type Sneak = MediaDevice;",
    lint: /noRestrictedImports/,
  },
  {
    name: 'models → a DOM global',
    file: 'src/models/devices.ts',
    line: 'export const sneak = () => window.location.href;',
    lint: /noRestrictedGlobals/,
  },
  {
    name: "models → an adapter's implementation",
    file: 'src/models/devices.ts',
    line: "import { createUserMedia } from '../adapters/media/user-media';\nexport const sneak = createUserMedia;",
    tsc: { project: 'src/models', error: notListed('src/adapters/media/user-media.ts', 'src/models') },
    lint: /noRestrictedImports/,
  },
  {
    name: 'core → node:',
    file: 'src/core/base32.ts',
    line: "import { readFileSync } from 'node:fs';\nexport const sneak = readFileSync;",
    tsc: { project: 'src/core', error: /src\/core\/base32\.ts\(\d+,\d+\): error TS2591: Cannot find name 'node:fs'/ },
    lint: /noRestrictedImports/,
  },
  {
    name: 'core → a DOM global',
    file: 'src/core/base32.ts',
    line: 'export const sneak = () => document.title;',
    tsc: { project: 'src/core', error: /src\/core\/base32\.ts\(\d+,\d+\): error TS2584: Cannot find name 'document'/ },
    lint: /noRestrictedGlobals/,
  },
  {
    name: 'relay → src/ui',
    file: 'relay/log.ts',
    line: "import { formatTime } from '../src/ui/format.js';\nexport const sneak = formatTime;",
    tsc: { project: 'relay', error: notListed('src/ui/format.ts', 'relay') },
    lint: /noRestrictedImports/,
  },
  {
    name: 'worker → the DOM',
    file: 'src/workers/kdf.worker.ts',
    line: 'export const sneak = () => document.title;',
    tsc: {
      project: 'src/workers',
      error: /src\/workers\/kdf\.worker\.ts\(\d+,\d+\): error TS2584: Cannot find name 'document'/,
    },
    lint: /noRestrictedGlobals/,
  },
];

describe('layer boundaries', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'parley-layers-'));
    for (const entry of ['src', 'relay', 'package.json', 'tsconfig.base.json', 'tsconfig.app.json', 'biome.jsonc']) {
      cpSync(join(REPO, entry), join(scratch, entry), { recursive: true });
    }
    symlinkSync(join(REPO, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the untouched tree passes both guards', () => {
    const built = tsc(...LAYER_PROJECTS);
    expect(built.out).toBe('');
    expect(built.code).toBe(0);
    const linted = lint('src', 'relay');
    expect(linted.code, linted.out).toBe(0);
  }, 240_000);

  for (const arrow of ARROWS) {
    it(`refuses ${arrow.name}`, () => {
      withLine(arrow.file, arrow.line, () => {
        if (arrow.tsc) {
          const built = tsc(arrow.tsc.project);
          expect(built.code, built.out).not.toBe(0);
          expect(built.out).toMatch(arrow.tsc.error);
        }
        if (arrow.lint) {
          const linted = lint(arrow.file);
          expect(linted.code, linted.out).not.toBe(0);
          expect(linted.out).toContain(arrow.file);
          expect(linted.out).toMatch(arrow.lint);
        }
      });
    }, 240_000);
  }
});
