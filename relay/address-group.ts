import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address group a client's limits are counted against: an IPv4 address (/32), or the /64 of an
 * IPv6 address — one subscriber usually holds a whole /64, so counting exact IPv6 addresses would
 * give an attacker millions of fresh "IPs". An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a
 * dual-stack socket reports for IPv4 clients) is its IPv4 address. Anything unparseable is its own
 * group, lower-cased.
 */
export const addressGroup = (ip: string): string => {
  const address = ip.split('%', 1)[0]?.toLowerCase() ?? '';
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const hextets = expandIPv6(address);
  if (hextets === undefined) return address;
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [hi = 0, lo = 0] = hextets.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
};

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail expanded). */
const expandIPv6 = (address: string): number[] | undefined => {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const bytes = v4[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined): number[] =>
    part === undefined || part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.every((h) => Number.isInteger(h) && h >= 0 && h <= 0xffff) ? all : undefined;
};

/** True for a peer address only this machine can have: 127/8, ::1, or their IPv4-mapped form. */
export const isLoopbackAddress = (ip: string): boolean => {
  const group = addressGroup(ip);
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(group) || ip.split('%', 1)[0] === '::1';
};
