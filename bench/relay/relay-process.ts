import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// The relay under test, as its own process (the built CLI), so its RSS and CPU are its own.

export interface RelayChild {
  child: ChildProcess;
  port: number;
  url: string;
  /** Set once the process exited (code, or the signal's name). */
  exited: string | undefined;
  /** The last few KB of its log (stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** Relays started by this run, killed if the bench fails so none outlives it. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Fixed ports from this bench's range, one after another (a stopped relay's port is free again):
 * 30 from BENCH_PORT_BASE (default 19640), so two benches on one machine can be given ranges apart.
 */
const PORT_BASE = Number(process.env['BENCH_PORT_BASE'] ?? 19640);
let nextPort = PORT_BASE;
const takePort = (): number => {
  const port = nextPort;
  nextPort = nextPort >= PORT_BASE + 29 ? PORT_BASE : nextPort + 1;
  return port;
};

/** Relay limits opened up so a figure is the forwarding's (and the verifier's), not the rate limiter's. */
export const OPEN_LIMITS: readonly string[] = [
  '--rate',
  '100000',
  '--ip-rate',
  '1000000',
  '--max-connections-per-ip',
  '1000',
  '--open-rate',
  '1000',
];

/**
 * Node flags for the relay processes only, e.g. BENCH_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
 * to profile the relay under one attack (Node refuses --cpu-prof in NODE_OPTIONS).
 */
const relayNodeArgs = (): string[] => process.env['BENCH_RELAY_NODE_ARGS']?.split(' ').filter((a) => a !== '') ?? [];

export const startRelay = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RelayChild> =>
  new Promise((resolve, reject) => {
    const port = takePort();
    const child = spawn(
      process.execPath,
      [
        ...relayNodeArgs(),
        'build/relay/cli.js',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--static',
        'dist',
        ...args,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      },
    );
    running.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      // Keep the tail only: a relay under attack may log a lot.
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const relay: RelayChild = {
      child,
      port,
      url: `ws://127.0.0.1:${port}/`,
      exited: undefined,
      log: () => stderr,
      stop: () =>
        new Promise((r) => {
          if (relay.exited !== undefined) return r();
          child.once('exit', () => r());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    };
    child.once('exit', (code, signal) => {
      running.delete(child);
      relay.exited = code === null ? String(signal) : `code ${code}`;
      reject(new Error(`relay exited (${relay.exited}) before listening: ${stderr}`));
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`127.0.0.1:${port}/`)) resolve(relay);
    });
  });

/** Resident set size in KiB, from /proc. */
export const rssKb = (pid: number): number => {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`cannot read the RSS of process ${pid}`);
  return kb;
};

/** CPU time (user + system) in seconds, from /proc/<pid>/stat (clock ticks of 1/100 s on Linux). */
export const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state; utime and stime are the 12th and 13th of those.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read the CPU time of process ${pid}`);
  return ticks / 100;
};
