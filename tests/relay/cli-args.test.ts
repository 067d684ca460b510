import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../relay/cli-args.js';

const cwd = '/srv/parley';

describe('parseCliArgs', () => {
  it('defaults to 127.0.0.1:8787 and ./dist', () => {
    expect(parseCliArgs([], {}, cwd)).toEqual({ ok: true, value: { type: 'run', host: '127.0.0.1', port: 8787, staticDir: resolve(cwd, 'dist') } });
  });

  it('reads PORT and HOST, and flags win over them', () => {
    expect(parseCliArgs([], { PORT: '9000', HOST: '0.0.0.0' }, cwd)).toMatchObject({ ok: true, value: { host: '0.0.0.0', port: 9000 } });
    expect(parseCliArgs(['--port', '0', '--host=::1', '--static', 'build/app'], { PORT: '9000', HOST: '0.0.0.0' }, cwd)).toEqual({
      ok: true,
      value: { type: 'run', host: '::1', port: 0, staticDir: resolve(cwd, 'build/app') },
    });
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['--port', '1', '--help'], {}, cwd)).toEqual({ ok: true, value: { type: 'help' } });
  });

  it('refuses bad flags and values with a message', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--prot', '1'], {}, /unknown argument "--prot"/],
      [['extra'], {}, /unknown argument/],
      [['--port'], {}, /--port needs a value/],
      [['--port='], {}, /--port needs a value/],
      [['--port', '65536'], {}, /--port must be a port number/],
      [['--port', '-1'], {}, /--port must be a port number/],
      [[], { PORT: 'http' }, /PORT must be a port number/],
      [['--host', 'a b'], {}, /--host must be a host name/],
    ];
    for (const [argv, env, pattern] of bad) {
      const result = parseCliArgs(argv, env, cwd);
      expect(result.ok, argv.join(' ')).toBe(false);
      if (!result.ok) expect(result.error).toMatch(pattern);
    }
  });
});
