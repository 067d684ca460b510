import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/core/app-config';
import type { CancelReason, RejectReason } from '../../src/core/file-protocol';
import type { ReceiveFault } from '../../src/core/file-receive';
import type { NicknameProblem } from '../../src/core/nickname';
import type { RefusalCause, RelayFault, RelayProblem, RelayVerdict } from '../../src/core/relay-probe';
import type { CheckFinding } from '../../src/models/connection-test';
import type { ContactProblem } from '../../src/models/contacts';
import type { TransferReason } from '../../src/models/file-transfer';
import enRoom from '../../src/ui/i18n/en-room';
import { addEnglish, LANGUAGES, setLanguage, t, type Language } from '../../src/ui/i18n/i18n';
import { formatNumber } from '../../src/ui/i18n/message';
import { contactProblemText } from '../../src/ui/contact-problem-text';
import { configProblemText } from '../../src/ui/problem-text';
import { findingText, relayProblemText } from '../../src/ui/relay-verdict-text';
import { transferReasonText } from '../../src/ui/transfer-reason-text';

// Every variant of every typed problem that models, core and adapters hand the UI has words in every
// language: the sentence from the catalog (no key shown raw, no placeholder left unfilled, not the English
// sentence in another language), with its data (a path, a status, a relay's words, a count) in it.
// Each list is built from a Record over the union's kinds, so a new variant fails to compile until it is here.

addEnglish(enRoom);
afterAll(() => setLanguage('en'));

const keys = <K extends string>(r: Record<K, true>) => Object.keys(r) as K[];
const CAUSES = keys<RefusalCause>({ origin: true, token: true, busy: true, other: true });
const PROTOCOLS = ['nostr', 'tracker'] as const;

const faults: Record<RelayFault['kind'], RelayFault[]> = {
  'other-protocol': PROTOCOLS.map((speaks) => ({ kind: 'other-protocol', speaks })),
  complaint: [{ kind: 'complaint', text: 'auth-required: members only' }],
  refused: CAUSES.flatMap((cause) =>
    [403, 401, 503, 421, 404, 400, 405, 500].map((status) => ({ kind: 'refused', cause, status }) as const),
  ),
  'no-websocket': [{ kind: 'no-websocket' }],
  silent: [{ kind: 'silent' }],
  'hung-up': [{ kind: 'hung-up' }],
};
const verdicts: RelayVerdict[] = [{ kind: 'good' }, ...Object.values(faults).flat()];
const origin = 'https://calls.example';

const findings: Record<CheckFinding['kind'], CheckFinding[]> = {
  relay: verdicts.flatMap((verdict) =>
    (['nostr', 'torrent'] as const).map((strategy) => ({ kind: 'relay', verdict, strategy, origin }) as const),
  ),
  stun: [true, false].map((answered) => ({ kind: 'stun', answered })),
  turn: [true, false].map((answered) => ({ kind: 'turn', answered })),
  'no-ice': [{ kind: 'no-ice' }],
};
const relayProblems: RelayProblem[] = Object.values(faults)
  .flat()
  .map((verdict) => ({ verdict, origin }));

const configProblems: Record<ConfigProblem['kind'], ConfigProblem> = {
  network: { kind: 'network', path: '/app/config.json' },
  cancelled: { kind: 'cancelled', path: '/app/config.json' },
  status: { kind: 'status', path: '/app/config.json', status: 404 },
  'not-json': { kind: 'not-json', path: '/app/config.json' },
  invalid: { kind: 'invalid', path: '/app/config.json', detail: '"relays" must be a list' },
};

const nicknames: Record<NicknameProblem['kind'], NicknameProblem> = {
  empty: { kind: 'empty' },
  'too-long': { kind: 'too-long', max: 40 },
  invisible: { kind: 'invisible' },
};
const contactProblems: Record<ContactProblem['kind'], ContactProblem[]> = {
  nickname: Object.values(nicknames).map((problem) => ({ kind: 'nickname', problem })),
  full: [1, 2, 3, 11, 16, 100].map((max) => ({ kind: 'full', max })),
  gone: [{ kind: 'gone' }],
  'nothing-to-remember': [{ kind: 'nothing-to-remember' }],
  unavailable: [{ kind: 'unavailable', detail: 'SecurityError' }],
  'remember-failed': [{ kind: 'remember-failed', detail: 'QuotaExceededError' }],
  'rename-failed': [{ kind: 'rename-failed', detail: 'QuotaExceededError' }],
  'forget-failed': [{ kind: 'forget-failed', detail: 'QuotaExceededError' }],
};

const FAULTS = keys<ReceiveFault | 'window'>({
  'not-accepted': true,
  'out-of-order': true,
  oversize: true,
  short: true,
  'after-done': true,
  window: true,
});
const CANCELS = keys<CancelReason>({ cancelled: true, protocol: true, 'hash-mismatch': true, 'write-failed': true });
const REJECTS = keys<RejectReason>({ declined: true, 'too-large': true, busy: true });
const transferReasons: Record<TransferReason['kind'], TransferReason[]> = {
  fault: FAULTS.map((fault) => ({ kind: 'fault', fault })),
  cancel: CANCELS.map((reason) => ({ kind: 'cancel', reason })),
  reject: REJECTS.map((reason) => ({ kind: 'reject', reason })),
  'too-large-here': [1, 2, 3, 1000, 536_870_912].map((max) => ({ kind: 'too-large-here', max })),
  interrupted: [{ kind: 'interrupted' }],
  'read-failed': [{ kind: 'read-failed' }],
  'write-failed': [{ kind: 'write-failed' }],
  'save-failed': [{ kind: 'save-failed' }],
  'you-declined': [{ kind: 'you-declined' }],
  'you-cancelled': [{ kind: 'you-cancelled' }],
};

/** Every variant with its words in the current language and the data its words must carry. */
const allTexts = (lang: Language): Array<{ what: string; text: string; data: string[] }> => {
  const n = (x: number) => formatNumber(lang, x);
  const dataOf = (v: object): string[] =>
    Object.entries(v).flatMap(([k, x]): string[] => {
      if (k === 'max') return [n(x as number)];
      if (typeof x === 'number' || k === 'path' || k === 'detail' || k === 'text' || k === 'origin')
        return k === 'status' || typeof x !== 'number' ? [String(x)] : [];
      return typeof x === 'object' && x !== null ? dataOf(x) : [];
    });
  return [
    ...Object.values(findings)
      .flat()
      // A relay's origin matters to the line only when the relay refused it; a status only when the words name it.
      .map((f) => ({ what: JSON.stringify(f), text: findingText(f), data: [] })),
    ...relayProblems.map((p) => ({
      what: JSON.stringify(p),
      text: relayProblemText(p),
      data:
        p.verdict.kind === 'complaint'
          ? [p.verdict.text]
          : p.verdict.kind === 'refused' && p.verdict.cause === 'origin'
            ? [origin]
            : [],
    })),
    ...Object.values(configProblems).map((p) => ({
      what: JSON.stringify(p),
      text: configProblemText(p),
      data: dataOf(p),
    })),
    ...Object.values(contactProblems)
      .flat()
      .map((p) => ({ what: JSON.stringify(p), text: contactProblemText(p), data: dataOf(p) })),
    ...Object.values(transferReasons)
      .flat()
      .map((r) => ({ what: JSON.stringify(r), text: transferReasonText(r), data: dataOf(r) })),
    { what: 'status.joinFailed', text: t('status.joinFailed', { detail: 'NetworkError' }), data: ['NetworkError'] },
  ];
};

describe('typed problems in words', () => {
  it.each(LANGUAGES.map((l) => [l]))('%s words every variant, with its data, and never as English', async (lang) => {
    await setLanguage('en');
    const english = allTexts('en');
    await setLanguage(lang);
    const texts = allTexts(lang);
    expect(texts.length).toBe(english.length);
    texts.forEach(({ what, text, data }, i) => {
      expect(text, what).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/); // a key shown raw: its words never loaded
      expect(text, what).not.toMatch(/\{\w+\}/); // a placeholder left unfilled
      for (const d of data) expect(text, `${what} in ${lang} lacks "${d}"`).toContain(d);
      if (lang !== 'en') expect(text, `${what} in ${lang} is English`).not.toBe(english[i]?.text);
    });
  });

  it('English keeps the sentences the tests and people knew', async () => {
    await setLanguage('en');
    expect(transferReasonText({ kind: 'too-large-here', max: 536_870_912 })).toBe(
      'Too large to receive here: at most 536,870,912 bytes.',
    );
    expect(transferReasonText({ kind: 'fault', fault: 'short' })).toBe(
      'Transfer stopped: They sent less than the size they announced. Nothing was kept.',
    );
    expect(configProblemText({ kind: 'status', path: '/config.json', status: 404 })).toBe(
      'Could not load /config.json: the server answered 404.',
    );
    expect(contactProblemText({ kind: 'full', max: 16 })).toBe(
      'At most 16 people can be remembered; forget one first.',
    );
    expect(contactProblemText({ kind: 'nickname', problem: { kind: 'too-long', max: 40 } })).toBe(
      'A name has at most 40 characters.',
    );
    expect(relayProblemText({ verdict: { kind: 'refused', cause: 'other', status: 500 }, origin })).toBe(
      'The other person cannot reach you: the signaling relay refused the connection (HTTP 500). Tell whoever runs this site.',
    );
  });

  it('German and Arabic write counts in their own digits and plural forms', async () => {
    await setLanguage('de');
    expect(transferReasonText({ kind: 'too-large-here', max: 536_870_912 })).toContain('536.870.912 Byte');
    await setLanguage('ar');
    const arabic = contactProblemText({ kind: 'full', max: 16 });
    expect(arabic).toContain(formatNumber('ar', 16));
    // Arabic's "many" form (11–99) differs from its "few" (3–10).
    expect(contactProblemText({ kind: 'full', max: 3 })).not.toBe(
      arabic.replace(formatNumber('ar', 16), formatNumber('ar', 3)),
    );
  });
});
