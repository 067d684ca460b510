// A minimal TURN server over UDP (RFC 8656 subset: Allocate, Refresh, CreatePermission,
// ChannelBind, Send/Data indications, ChannelData) with coturn's REST shared-secret credentials,
// so the relay's `--turn-secret-file` credentials work against it. For tests only: it lets a test
// put a real middlebox in the media path and stop forwarding for a while — a network blip that
// Playwright's `setOffline` cannot make (it does not touch WebRTC's UDP).
import { createHash, createHmac } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { crc32 } from 'node:zlib';

const MAGIC = 0x2112a442;
const REALM = 'parley-test';
const NONCE = 'parley-test-nonce';

const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  XOR_MAPPED_ADDRESS: 0x0020,
  FINGERPRINT: 0x8028,
} as const;

const METHOD = {
  BINDING: 0x001,
  ALLOCATE: 0x003,
  REFRESH: 0x004,
  SEND: 0x006,
  DATA: 0x007,
  CREATE_PERMISSION: 0x008,
  CHANNEL_BIND: 0x009,
} as const;
const CLASS = { REQUEST: 0x000, INDICATION: 0x010, SUCCESS: 0x100, ERROR: 0x110 } as const;

interface Message {
  method: number;
  cls: number;
  tid: Buffer;
  attrs: Map<number, Buffer>;
}

const parse = (b: Buffer): Message | null => {
  if (b.length < 20 || (b[0]! & 0xc0) !== 0 || b.readUInt32BE(4) !== MAGIC) return null;
  const type = b.readUInt16BE(0);
  const len = b.readUInt16BE(2);
  if (20 + len > b.length) return null;
  const attrs = new Map<number, Buffer>();
  for (let o = 20; o + 4 <= 20 + len; ) {
    const t = b.readUInt16BE(o);
    const l = b.readUInt16BE(o + 2);
    if (!attrs.has(t)) attrs.set(t, b.subarray(o + 4, o + 4 + l));
    o += 4 + Math.ceil(l / 4) * 4;
  }
  return {
    method: (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2),
    cls: type & 0x0110,
    tid: b.subarray(8, 20),
    attrs,
  };
};

const xorAddress = (port: number, ip: string): Buffer => {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const parts = ip.split('.').map(Number);
  v.writeUInt32BE((((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) ^ MAGIC) >>> 0, 4);
  return v;
};

const readXorAddress = (v: Buffer | undefined): { port: number; address: string } | null => {
  if (!v || v.length < 8 || v[1] !== 0x01) return null;
  const port = v.readUInt16BE(2) ^ (MAGIC >>> 16);
  const n = (v.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { port, address: [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') };
};

const attr = (type: number, value: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
};

/** Encodes a message; with `key`, adds MESSAGE-INTEGRITY; always ends with FINGERPRINT. */
const encode = (method: number, cls: number, tid: Buffer, attrs: Buffer[], key?: Buffer): Buffer => {
  const type = (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | cls;
  const header = (bodyLen: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(bodyLen, 2);
    h.writeUInt32BE(MAGIC, 4);
    tid.copy(h, 8);
    return h;
  };
  let body = Buffer.concat(attrs);
  if (key) {
    const mac = createHmac('sha1', key)
      .update(Buffer.concat([header(body.length + 24), body]))
      .digest();
    body = Buffer.concat([body, attr(ATTR.MESSAGE_INTEGRITY, mac)]);
  }
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0);
  body = Buffer.concat([body, attr(ATTR.FINGERPRINT, fp)]);
  return Buffer.concat([header(body.length), body]);
};

interface Allocation {
  relay: Socket;
  port: number;
  key: Buffer;
  /** channel number → peer "ip:port", and back. */
  channels: Map<number, string>;
  byPeer: Map<string, number>;
}

export interface TurnServer {
  readonly port: number;
  /** While paused, every packet (from clients and from peers) is dropped: a network outage. */
  pause(): void;
  resume(): void;
  /**
   * Drops every allocation: what the old clients send through them goes nowhere from then on, while
   * new allocations are served. The old media path is gone for good, as when a phone moves to
   * another network; only a new connection (fresh ICE gathering, so a fresh allocation) gets through.
   * (Clients are not refused by address: a fresh socket may reuse a freed local port.)
   */
  forget(): void;
  /** Allocations made so far, to tell a fresh connection from the old one. */
  readonly allocations: number;
  /** Packets forwarded so far (both directions), to check media really goes through us. */
  readonly relayed: number;
  close(): Promise<void>;
}

/** Starts a TURN server on 127.0.0.1:`port` accepting coturn REST credentials made with `secret`. */
export const startTurnServer = async (port: number, secret: string): Promise<TurnServer> => {
  const server = createSocket('udp4');
  const allocations = new Map<string, Allocation>();
  let paused = false;
  let relayed = 0;
  let allocationsMade = 0;
  const keyFor = (username: string) =>
    createHash('md5')
      .update(`${username}:${REALM}:${createHmac('sha1', secret).update(username).digest('base64')}`)
      .digest();

  const reply = (to: RemoteInfo, b: Buffer) => server.send(b, to.port, to.address);
  const clientKey = (r: RemoteInfo) => `${r.address}:${r.port}`;

  const authenticate = (m: Message, raw: Buffer, from: RemoteInfo): Buffer | null => {
    const user = m.attrs.get(ATTR.USERNAME)?.toString();
    const mi = m.attrs.get(ATTR.MESSAGE_INTEGRITY);
    if (user === undefined || mi === undefined) {
      reply(
        from,
        encode(m.method, CLASS.ERROR, m.tid, [
          attr(ATTR.ERROR_CODE, Buffer.from([0, 0, 4, 1, ...Buffer.from('Unauthorized')])),
          attr(ATTR.REALM, Buffer.from(REALM)),
          attr(ATTR.NONCE, Buffer.from(NONCE)),
        ]),
      );
      return null;
    }
    const expiry = Number(user.split(':')[0]);
    const key = keyFor(user);
    // MESSAGE-INTEGRITY covers the message up to itself, with the length field counting it.
    const miOffset = mi.byteOffset - raw.byteOffset - 4;
    const covered = Buffer.from(raw.subarray(0, miOffset));
    covered.writeUInt16BE(miOffset - 20 + 24, 2);
    if (!(expiry * 1000 > Date.now()) || !createHmac('sha1', key).update(covered).digest().equals(mi)) {
      reply(
        from,
        encode(m.method, CLASS.ERROR, m.tid, [
          attr(ATTR.ERROR_CODE, Buffer.from([0, 0, 4, 1, ...Buffer.from('Unauthorized')])),
          attr(ATTR.REALM, Buffer.from(REALM)),
          attr(ATTR.NONCE, Buffer.from(NONCE)),
        ]),
      );
      return null;
    }
    return key;
  };

  const allocate = async (from: RemoteInfo, key: Buffer): Promise<Allocation> => {
    const relay = createSocket('udp4');
    await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve));
    const a: Allocation = { relay, port: relay.address().port, key, channels: new Map(), byPeer: new Map() };
    relay.on('message', (data, peer) => {
      if (paused) return;
      relayed++;
      const channel = a.byPeer.get(`${peer.address}:${peer.port}`);
      if (channel !== undefined) {
        const head = Buffer.alloc(4);
        head.writeUInt16BE(channel, 0);
        head.writeUInt16BE(data.length, 2);
        server.send(Buffer.concat([head, data]), from.port, from.address);
      } else {
        server.send(
          encode(METHOD.DATA, CLASS.INDICATION, Buffer.from(Array.from({ length: 12 }, (_, i) => i)), [
            attr(ATTR.XOR_PEER_ADDRESS, xorAddress(peer.port, peer.address)),
            attr(ATTR.DATA, data),
          ]),
          from.port,
          from.address,
        );
      }
    });
    allocations.set(clientKey(from), a);
    allocationsMade++;
    return a;
  };

  server.on('message', (raw, from) => {
    if (paused) return;
    const a = allocations.get(clientKey(from));
    // ChannelData: 0x4000–0x7FFF channel number, length, payload.
    if (raw.length >= 4 && raw[0]! >= 0x40 && raw[0]! <= 0x7f) {
      const peer = a?.channels.get(raw.readUInt16BE(0));
      if (!a || !peer) return;
      const [address, p] = peer.split(':');
      relayed++;
      a.relay.send(raw.subarray(4, 4 + raw.readUInt16BE(2)), Number(p), address);
      return;
    }
    const m = parse(raw);
    if (!m) return;
    if (m.cls === CLASS.INDICATION && m.method === METHOD.SEND) {
      const peer = readXorAddress(m.attrs.get(ATTR.XOR_PEER_ADDRESS));
      const data = m.attrs.get(ATTR.DATA);
      if (a && peer && data) {
        relayed++;
        a.relay.send(data, peer.port, peer.address);
      }
      return;
    }
    if (m.cls !== CLASS.REQUEST) return;
    if (m.method === METHOD.BINDING) {
      reply(
        from,
        encode(METHOD.BINDING, CLASS.SUCCESS, m.tid, [
          attr(ATTR.XOR_MAPPED_ADDRESS, xorAddress(from.port, from.address)),
        ]),
      );
      return;
    }
    const key = authenticate(m, raw, from);
    if (!key) return;
    const lifetime = () => {
      const v = Buffer.alloc(4);
      v.writeUInt32BE(600);
      return attr(ATTR.LIFETIME, v);
    };
    switch (m.method) {
      case METHOD.ALLOCATE:
        void (async () => {
          const alloc = a ?? (await allocate(from, key));
          reply(
            from,
            encode(
              METHOD.ALLOCATE,
              CLASS.SUCCESS,
              m.tid,
              [
                attr(ATTR.XOR_RELAYED_ADDRESS, xorAddress(alloc.port, '127.0.0.1')),
                attr(ATTR.XOR_MAPPED_ADDRESS, xorAddress(from.port, from.address)),
                lifetime(),
              ],
              key,
            ),
          );
        })();
        return;
      case METHOD.REFRESH:
        if (a && m.attrs.get(ATTR.LIFETIME)?.readUInt32BE(0) === 0) {
          a.relay.close();
          allocations.delete(clientKey(from));
        }
        reply(from, encode(METHOD.REFRESH, CLASS.SUCCESS, m.tid, [lifetime()], key));
        return;
      case METHOD.CREATE_PERMISSION:
        // Every peer is permitted: the test's two browsers only ever talk to each other.
        reply(from, encode(METHOD.CREATE_PERMISSION, CLASS.SUCCESS, m.tid, [], key));
        return;
      case METHOD.CHANNEL_BIND: {
        const channel = m.attrs.get(ATTR.CHANNEL_NUMBER)?.readUInt16BE(0);
        const peer = readXorAddress(m.attrs.get(ATTR.XOR_PEER_ADDRESS));
        if (a && channel !== undefined && peer) {
          a.channels.set(channel, `${peer.address}:${peer.port}`);
          a.byPeer.set(`${peer.address}:${peer.port}`, channel);
        }
        reply(from, encode(METHOD.CHANNEL_BIND, CLASS.SUCCESS, m.tid, [], key));
        return;
      }
    }
  });

  await new Promise<void>((resolve) => server.bind(port, '127.0.0.1', resolve));
  return {
    port,
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    forget: () => {
      for (const a of allocations.values()) a.relay.close();
      allocations.clear();
    },
    get allocations() {
      return allocationsMade;
    },
    get relayed() {
      return relayed;
    },
    close: async () => {
      for (const a of allocations.values()) a.relay.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
