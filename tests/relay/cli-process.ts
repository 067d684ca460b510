import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The built CLI; PARLEY_RELAY_CLI points the process tests at another build (e.g. the previous commit's, to see an attack test fail there). */
export const CLI = process.env['PARLEY_RELAY_CLI'] ?? 'build/relay/cli.js';

export interface CliProcess {
  child: ChildProcess;
  /** The `Parley relay: open …` line. */
  line: string;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built relay CLI (or the one at `cli`) and resolves once it prints its one stdout line. */
export const startCli = (args: readonly string[], env: NodeJS.ProcessEnv = {}, cli = CLI): Promise<CliProcess> => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npx tsc -p relay\` (or npm run build) first`);
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay CLI did not start within 20 s: ${stderr}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /Parley relay: open (\S+)/.exec(stdout);
      if (match?.[1] !== undefined && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, line: stdout.trim(), url: match[1], stderr: () => stderr, exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`relay CLI exited with ${code} before listening: ${stderr}`));
    });
  });
};
