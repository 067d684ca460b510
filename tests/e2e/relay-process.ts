import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A real relay process (the built CLI) that a test can kill and bring back on the same port. */
export interface RelayProcess {
  readonly url: string;
  /** Starts it (again); resolves once it prints its listening line. */
  start(): Promise<void>;
  /** Kills it without a chance to say goodbye (SIGKILL), as a crash or a pulled plug would. */
  kill(): Promise<void>;
}

export const relayProcess = (port: number, extraArgs: string[] = []): RelayProcess => {
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async start() {
      if (child) throw new Error('relay already running');
      const c = spawn(
        process.execPath,
        ['build/relay/cli.js', '--port', String(port), '--static', 'dist', ...extraArgs],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = c;
      let output = '';
      await new Promise<void>((resolve, reject) => {
        c.stdout?.on('data', (d: Buffer) => {
          output += d.toString();
          if (output.includes('Parley relay: open')) resolve();
        });
        c.stderr?.on('data', (d: Buffer) => (output += d.toString()));
        c.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening: ${output}`)));
      });
    },
    async kill() {
      const c = child;
      if (!c) return;
      child = null;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
  };
};
