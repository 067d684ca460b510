// Reading a Lighthouse result (LHR) without ever printing a figure it did not measure. Lighthouse
// reports a failed measurement as a `runtimeError`, a category score of null, or an audit in the
// "error" display mode; printed through `?? 0` those read as "performance 0", which a bench once
// printed and passed with. Here any of them throws with Lighthouse's own reason.

export const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
export type CategoryId = (typeof CATEGORIES)[number];

/** The metrics printed beside the scores. */
export const METRICS = {
  FCP: 'first-contentful-paint',
  LCP: 'largest-contentful-paint',
  TBT: 'total-blocking-time',
  CLS: 'cumulative-layout-shift',
} as const;

/** The parts of Lighthouse's `Result` read here (structural, so a test can hand in a plain object). */
export interface LighthouseResultLike {
  runtimeError?: { code: string; message: string } | undefined;
  categories: Record<string, { score: number | null; auditRefs?: Array<{ id: string; weight: number }> } | undefined>;
  audits: Record<
    string,
    | {
        id: string;
        title: string;
        score: number | null;
        scoreDisplayMode?: string;
        displayValue?: string | undefined;
        errorMessage?: string | undefined;
      }
    | undefined
  >;
}

export interface PageAudit {
  /** Each category's score, 0–100, as measured. */
  scores: Record<CategoryId, number>;
  /** FCP, LCP, TBT, CLS as Lighthouse displays them. */
  metrics: Record<keyof typeof METRICS, string>;
  /** What keeps a category below 100, to say what to fix. */
  shortfalls: string[];
}

/**
 * Reads the scores and metrics of one page's audit, or throws saying why the audit did not measure:
 * a runtime error, a missing or null category, a score of 0 (what a page that never painted gets),
 * or a metric that is missing or errored.
 */
export const readLighthouseResult = (page: string, lhr: LighthouseResultLike): PageAudit => {
  const fail = (why: string): never => {
    throw new Error(`Lighthouse could not measure ${page}: ${why}`);
  };
  if (lhr.runtimeError) fail(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  const scores = {} as Record<CategoryId, number>;
  for (const c of CATEGORIES) {
    const score = lhr.categories[c]?.score;
    if (score === undefined) fail(`no "${c}" category in the result`);
    if (score === null || !Number.isFinite(score)) fail(`the "${c}" category has no score (one of its audits errored)`);
    if (score === 0) fail(`the "${c}" score is 0, which is what a page that could not be loaded or never painted gets`);
    scores[c] = Math.round((score as number) * 100);
  }
  const metrics = {} as Record<keyof typeof METRICS, string>;
  for (const [name, id] of Object.entries(METRICS) as Array<[keyof typeof METRICS, string]>) {
    const audit = lhr.audits[id];
    if (!audit) fail(`no ${name} (${id}) audit in the result`);
    if (audit?.scoreDisplayMode === 'error' || audit?.errorMessage)
      fail(`${name} errored: ${audit?.errorMessage ?? 'no message'}`);
    const shown = audit?.displayValue;
    if (shown === undefined || shown.trim() === '') fail(`${name} (${id}) has no value`);
    metrics[name] = shown as string;
  }
  const shortfalls: string[] = [];
  for (const c of CATEGORIES) {
    for (const ref of lhr.categories[c]?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a && a.score !== null && a.score < 1)
        shortfalls.push(
          `${c}: ${a.id} ${Math.round(a.score * 100)} — ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`,
        );
    }
  }
  return { scores, metrics, shortfalls };
};
