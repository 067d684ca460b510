import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

// What the attack tests watch on a relay process while they attack it: `/healthz` latency measured
// from a process of its own (beside an idle control server), and the relay's RSS and CPU from /proc.

/** One `/healthz` answer as the probe saw it: status 0 (with `error`) when the request failed. */
export interface ProbeReply {
  status: number;
  ms: number;
  error?: string;
}

/** Every probe of the relay and, alternately, of the idle control server, in the order made. */
export interface Probes {
  relay: ProbeReply[];
  control: ProbeReply[];
}

/**
 * Probes `<url>healthz` (over https too, certificate not checked) one request after another, 50 ms
 * apart, until its stdin ends; alternately it probes an idle HTTP server of its own (the control),
 * from 127.0.0.1. Both from a process of its own, so the attacker's work in the test's process does
 * not count as the relay's delay, and the control shows what this (shared, often busy) machine costs
 * any server right now. The relay probes go from `localAddress` when one is given.
 */
const PROBE = `
const http = require('node:http');
const { request } = require(process.argv[1].startsWith('https') ? 'node:https' : 'node:http');
const [url, localAddress] = process.argv.slice(1);
const relay = [];
const control = [];
let stopped = false;
process.stdin.on('end', () => { stopped = true; });
process.stdin.resume();
const once = (req, target, options) => new Promise((resolve) => {
  const t0 = performance.now();
  const r = req(target, { agent: false, rejectUnauthorized: false, ...options }, (res) => {
    res.resume();
    res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
  });
  r.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, error: String(e) }));
  r.end();
});
const server = http.createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', async () => {
  const controlUrl = 'http://127.0.0.1:' + server.address().port + '/healthz';
  while (!stopped) {
    relay.push(await once(request, url + 'healthz', localAddress ? { localAddress } : {}));
    control.push(await once(http.request, controlUrl, { localAddress: '127.0.0.1' }));
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(JSON.stringify({ relay, control }), () => process.exit(0));
});
`;

/**
 * Starts probing the relay at `url` (ending in `/`). `stop()` ends the probe and resolves with what
 * it measured; `kill()` is for cleanup after a failed test.
 */
export const startHealthProbe = (url: string, options: { localAddress?: string } = {}) => {
  const args = options.localAddress === undefined ? [url] : [url, options.localAddress];
  const child = spawn(process.execPath, ['-e', PROBE, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    stop: async (): Promise<Probes> => {
      child.stdin.end();
      await exited;
      return JSON.parse(out) as Probes;
    },
    kill: (): void => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
};

/** The middle value (the upper one of an even count); undefined when there is none. */
export const median = (values: readonly number[]): number | undefined =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Resident memory of the process, in MiB (VmRSS of /proc/<pid>/status). */
export const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/** User + system CPU time the process has used, in ms (/proc/<pid>/stat counts clock ticks of 10 ms). */
export const cpuMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces or ')': the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
