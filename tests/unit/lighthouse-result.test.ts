import { describe, expect, it } from 'vitest';
import { readLighthouseResult, type LighthouseResultLike } from '../../bench/lighthouse-result';

/** A result as Lighthouse 12 returns it for a page it measured (trimmed to what is read). */
const measured = (): LighthouseResultLike => ({
  categories: {
    performance: { score: 0.98, auditRefs: [{ id: 'largest-contentful-paint', weight: 25 }] },
    accessibility: { score: 1, auditRefs: [] },
    'best-practices': { score: 1, auditRefs: [] },
  },
  audits: {
    'first-contentful-paint': {
      id: 'first-contentful-paint',
      title: 'First Contentful Paint',
      score: 1,
      scoreDisplayMode: 'numeric',
      displayValue: '0.9 s',
    },
    'largest-contentful-paint': {
      id: 'largest-contentful-paint',
      title: 'Largest Contentful Paint',
      score: 0.93,
      scoreDisplayMode: 'numeric',
      displayValue: '2.1 s',
    },
    'total-blocking-time': {
      id: 'total-blocking-time',
      title: 'Total Blocking Time',
      score: 1,
      scoreDisplayMode: 'numeric',
      displayValue: '0 ms',
    },
    'cumulative-layout-shift': {
      id: 'cumulative-layout-shift',
      title: 'Cumulative Layout Shift',
      score: 1,
      scoreDisplayMode: 'numeric',
      displayValue: '0',
    },
  },
});

describe('reading a Lighthouse result for the bench', () => {
  it('reads the scores (0–100), the metrics, and what keeps a category below 100', () => {
    const r = readLighthouseResult('Home', measured());
    expect(r.scores).toEqual({ performance: 98, accessibility: 100, 'best-practices': 100 });
    expect(r.metrics).toEqual({ FCP: '0.9 s', LCP: '2.1 s', TBT: '0 ms', CLS: '0' });
    expect(r.shortfalls).toEqual(['performance: largest-contentful-paint 93 — Largest Contentful Paint (2.1 s)']);
  });

  it('a run Lighthouse reports as failed throws with its reason (the bench once printed "performance 0" and passed)', () => {
    const lhr = { ...measured(), runtimeError: { code: 'NO_FCP', message: 'The page did not paint any content.' } };
    expect(() => readLighthouseResult('Home', lhr)).toThrow(/could not measure Home: NO_FCP: The page did not paint/);
  });

  it.each(['performance', 'accessibility', 'best-practices'])('a null "%s" score throws, never reads as 0', (c) => {
    const lhr = measured();
    lhr.categories[c] = { score: null, auditRefs: [] };
    expect(() => readLighthouseResult('Home', lhr)).toThrow(new RegExp(`"${c}" category has no score`));
  });

  it.each(['performance', 'accessibility', 'best-practices'])('a score of 0 for "%s" throws', (c) => {
    const lhr = measured();
    lhr.categories[c] = { score: 0, auditRefs: [] };
    expect(() => readLighthouseResult('Home', lhr)).toThrow(new RegExp(`"${c}" score is 0`));
  });

  it('a missing category throws', () => {
    const lhr = measured();
    delete lhr.categories['best-practices'];
    expect(() => readLighthouseResult('Lobby', lhr)).toThrow(/could not measure Lobby: no "best-practices" category/);
  });

  it('a missing metric (printed "FCP ?" before) throws', () => {
    const lhr = measured();
    delete lhr.audits['first-contentful-paint'];
    expect(() => readLighthouseResult('Home', lhr)).toThrow(/no FCP \(first-contentful-paint\) audit/);
  });

  it('a metric without a value, or one that errored, throws', () => {
    const noValue = measured();
    noValue.audits['total-blocking-time'] = {
      id: 'total-blocking-time',
      title: 'Total Blocking Time',
      score: null,
      scoreDisplayMode: 'numeric',
    };
    expect(() => readLighthouseResult('Home', noValue)).toThrow(/TBT \(total-blocking-time\) has no value/);
    const errored = measured();
    errored.audits['largest-contentful-paint'] = {
      id: 'largest-contentful-paint',
      title: 'LCP',
      score: null,
      scoreDisplayMode: 'error',
      errorMessage: 'NO_LCP',
    };
    expect(() => readLighthouseResult('Home', errored)).toThrow(/LCP errored: NO_LCP/);
  });
});
