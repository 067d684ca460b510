import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_RELAY_TEXT,
  diagnosisUrl,
  diagnosisVerdict,
  probeQuestion,
  readDiagnosis,
  readReply,
  relayText,
  waitingProblem,
  type RelayVerdict,
} from '../../src/core/relay-probe';
import { relayProblemText, verdictText } from '../../src/ui/relay-verdict-text';
import { carries } from '../../src/core/relay-carries';

const random = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
const nostr = probeQuestion('nostr', random, 1_700_000_000);
const tracker = probeQuestion('torrent', random, 1_700_000_000);

describe('the probe question', () => {
  it('is a Nostr REQ shaped as Trystero sends it, or a tracker announce with no offers', () => {
    const req = JSON.parse(nostr.frame) as [string, string, Record<string, unknown>];
    expect(req[0]).toBe('REQ');
    expect(req[1]).toBe(nostr.id);
    expect(req[2]).toEqual({
      kinds: [expect.any(Number)],
      since: 1_700_000_000,
      '#x': [expect.stringMatching(/^[0-9a-f]{40}$/)],
    });
    const kind = (req[2]['kinds'] as number[])[0] as number;
    expect(kind >= 20000 && kind < 30000).toBe(true);
    const announce = JSON.parse(tracker.frame) as Record<string, unknown>;
    expect(announce).toMatchObject({ action: 'announce', info_hash: tracker.id, numwant: 1, offers: [] });
    expect(String(announce['info_hash'])).toHaveLength(20);
    expect(String(announce['peer_id'])).toHaveLength(20);
  });
});

describe('reading a relay reply', () => {
  it('EOSE for our subscription means a Nostr relay carries us; a tracker announce reply means a tracker does', () => {
    expect(readReply(nostr, JSON.stringify(['EOSE', nostr.id]))).toEqual({ kind: 'good' });
    expect(
      readReply(tracker, JSON.stringify({ action: 'announce', interval: 20, info_hash: tracker.id, complete: 0 })),
    ).toEqual({ kind: 'good' });
  });

  it("recognises the other protocol: a tracker's failure to a REQ, a Nostr NOTICE to an announce", () => {
    // What a real tracker (and Parley's, with --protocols tracker) answers to a Nostr frame.
    expect(readReply(nostr, '{"failure reason":"invalid action in WS request"}')).toEqual({
      kind: 'other-protocol',
      speaks: 'tracker',
    });
    // What a real Nostr relay answers to a tracker frame.
    expect(readReply(tracker, '["NOTICE","invalid: Expected array, received object"]')).toEqual({
      kind: 'other-protocol',
      speaks: 'nostr',
    });
  });

  it('a NOTICE, a CLOSED of our subscription or a failure reason of our announce is the relay refusing, in its words', () => {
    expect(readReply(nostr, JSON.stringify(['NOTICE', 'REQ refused: too many']))).toEqual({
      kind: 'complaint',
      text: 'REQ refused: too many',
    });
    expect(readReply(nostr, JSON.stringify(['CLOSED', nostr.id, 'auth-required: members only']))).toEqual({
      kind: 'complaint',
      text: 'auth-required: members only',
    });
    expect(readReply(tracker, JSON.stringify({ action: 'announce', 'failure reason': 'torrent not allowed' }))).toEqual(
      { kind: 'complaint', text: 'torrent not allowed' },
    );
  });

  it('ignores what is not about our question: other subscriptions, AUTH, events, other info hashes, garbage', () => {
    for (const raw of [
      JSON.stringify(['EOSE', 'someone-else']),
      JSON.stringify(['CLOSED', 'someone-else', 'no']),
      JSON.stringify(['AUTH', 'challenge']),
      JSON.stringify(['EVENT', nostr.id, {}]),
      'not json',
      '[1,2,3]',
      '{"hello":1}',
      42,
      new ArrayBuffer(8),
      `["EOSE","${nostr.id}"${' '.repeat(9000)}]`,
    ])
      expect(readReply(nostr, raw)).toBeNull();
    expect(
      readReply(tracker, JSON.stringify({ action: 'announce', 'failure reason': 'x', info_hash: 'b'.repeat(20) })),
    ).toBeNull();
  });

  it('never throws on any input, and any text it keeps is capped and has no control or bidi characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('["NOTICE"', '{"failure reason":')), (tail) => {
        for (const raw of [tail, `["NOTICE",${JSON.stringify(tail)}]`, `{"failure reason":${JSON.stringify(tail)}}`])
          for (const q of [nostr, tracker]) {
            const v = readReply(q, raw);
            if (v?.kind === 'complaint') {
              expect(v.text.length).toBeLessThanOrEqual(MAX_RELAY_TEXT);
              // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none survive.
              expect(v.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
            }
          }
      }),
    );
  });

  it('relayText flattens a hostile NOTICE: newlines, bidi overrides, a flood of text', () => {
    expect(relayText('line one\nline two\u202eevil\u0000')).toBe('line one line two evil');
    const long = relayText('x'.repeat(10_000));
    expect(long).toHaveLength(MAX_RELAY_TEXT);
    expect(long.endsWith('…')).toBe(true);
  });

  it('carries: an EOSE, or a tracker announce reply without a failure, on the call socket', () => {
    expect(carries('nostr', '["EOSE","abc"]')).toBe(true);
    expect(carries('nostr', '["NOTICE","x"]')).toBe(false);
    expect(carries('tracker', '{"action":"announce","interval":20,"info_hash":"x"}')).toBe(true);
    expect(carries('tracker', '{"action":"announce","interval":20,"failure reason":"room full"}')).toBe(false);
    expect(carries('tracker', '["EOSE","abc"]')).toBe(false);
  });
});

describe("a Parley relay's diagnosis", () => {
  it('goes to the same URL plus one parameter, keeping a token', () => {
    expect(diagnosisUrl('wss://relay.example/')).toBe('wss://relay.example/?parley-diagnosis=1');
    expect(diagnosisUrl('wss://relay.example/?token=abc')).toBe('wss://relay.example/?token=abc&parley-diagnosis=1');
  });

  it('maps the status of the refusal to its cause, and an accepting relay of only the other protocol to that', () => {
    const of = (status: number, protocols = ['nostr', 'tracker']) =>
      diagnosisVerdict(readDiagnosis(JSON.stringify({ 'parley-diagnosis': 1, status, protocols })), 'nostr');
    expect(of(403)).toEqual({ kind: 'refused', cause: 'origin', status: 403 });
    expect(of(401)).toEqual({ kind: 'refused', cause: 'token', status: 401 });
    expect(of(429)).toEqual({ kind: 'refused', cause: 'busy', status: 429 });
    expect(of(503)).toEqual({ kind: 'refused', cause: 'busy', status: 503 });
    expect(of(421)).toEqual({ kind: 'refused', cause: 'other', status: 421 });
    expect(of(101, ['tracker'])).toEqual({ kind: 'other-protocol', speaks: 'tracker' });
    expect(of(101)).toEqual({ kind: 'no-websocket' });
  });

  it('believes nothing malformed: no diagnosis is "no WebSocket", never a guessed cause', () => {
    for (const raw of [
      '{"status":403,"protocols":[]}',
      '{"parley-diagnosis":1,"status":"403","protocols":[]}',
      '{"parley-diagnosis":1,"status":403.5,"protocols":[]}',
      '{"parley-diagnosis":1,"status":999,"protocols":[]}',
      '{"parley-diagnosis":1,"status":403}',
      '["NOTICE","x"]',
      'x'.repeat(600),
      null,
    ])
      expect(diagnosisVerdict(readDiagnosis(raw), 'nostr')).toEqual({ kind: 'no-websocket' });
  });
});

describe('the words', () => {
  const origin = 'https://calls.example';
  it('name the fix for each cause on the connection test', () => {
    const line = (v: RelayVerdict, strategy: 'nostr' | 'torrent' = 'nostr') => ({
      text: verdictText(v, strategy, origin),
    });
    expect(line({ kind: 'good' }).text).toMatch(/^Reachable, and answers as a Nostr relay/);
    expect(line({ kind: 'good' }, 'torrent').text).toMatch(/WebTorrent tracker, as config.json says/);
    expect(line({ kind: 'other-protocol', speaks: 'tracker' }).text).toContain(
      'this looks like a WebTorrent tracker; config.json says "strategy": "nostr"',
    );
    expect(line({ kind: 'other-protocol', speaks: 'nostr' }, 'torrent').text).toContain(
      'this looks like a Nostr relay; config.json says "strategy": "torrent"',
    );
    expect(line({ kind: 'refused', cause: 'origin', status: 403 }).text).toContain(
      "add this site's origin with --allow-origin https://calls.example",
    );
    expect(line({ kind: 'refused', cause: 'token', status: 401 }).text).toContain('needs a token');
    expect(line({ kind: 'refused', cause: 'busy', status: 429 }).text).toContain('busy');
    expect(line({ kind: 'refused', cause: 'other', status: 421 }).text).toContain('--public-origin');
    expect(line({ kind: 'no-websocket' }).text).toMatch(/^Unreachable/);
  });

  it('tell the waiting person why nobody can reach them, the stated cause first; nothing while one relay works', () => {
    // The core picks the verdict (typed); the UI words it in the person's language (English here).
    const waitingText = (verdicts: RelayVerdict[], at: string) => {
      const problem = waitingProblem(verdicts, at);
      return problem && relayProblemText(problem);
    };
    expect(waitingProblem([{ kind: 'good' }, { kind: 'no-websocket' }], origin)).toBeNull();
    expect(waitingProblem([], origin)).toBeNull();
    expect(waitingProblem([{ kind: 'silent' }, { kind: 'complaint', text: 'no' }], origin)).toEqual({
      verdict: { kind: 'complaint', text: 'no' },
      origin,
    });
    expect(waitingText([{ kind: 'no-websocket' }, { kind: 'refused', cause: 'origin', status: 403 }], origin)).toMatch(
      /refuses this site.*--allow-origin https:\/\/calls\.example/,
    );
    expect(waitingText([{ kind: 'no-websocket' }], origin)).toMatch(/cannot be reached/);
    expect(waitingText([{ kind: 'other-protocol', speaks: 'tracker' }], origin)).toMatch(/wrong "strategy"/);
    expect(waitingText([{ kind: 'refused', cause: 'token', status: 401 }], origin)).toMatch(/needs a token/);
  });
});
