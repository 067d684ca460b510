// temp: Lighthouse Home, print layout shift events from its trace
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
const url = process.argv[2] ?? 'http://127.0.0.1:18797/';
const chrome = await launch({ chromePath: '/usr/bin/chromium', chromeFlags: ['--headless=new', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox', '--allow-loopback-in-peer-connection', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
  const lhr = r.lhr;
  console.log('perf', lhr.categories.performance.score, 'CLS', lhr.audits['cumulative-layout-shift'].displayValue, 'FCP', lhr.audits['first-contentful-paint'].displayValue, 'LCP', lhr.audits['largest-contentful-paint'].displayValue, 'TBT', lhr.audits['total-blocking-time'].displayValue, 'SI', lhr.audits['speed-index'].displayValue);
  const trace = r.artifacts.Trace ?? r.artifacts.traces?.defaultPass;
  const evs = trace.traceEvents.filter((e) => e.name === 'LayoutShift');
  const t0 = trace.traceEvents.find((e) => e.name === 'navigationStart')?.ts ?? 0;
  for (const e of evs) {
    const d = e.args.data;
    console.log(((e.ts - t0) / 1000).toFixed(0), 'ms score', d.score?.toFixed(4), 'weighted', d.weighted_score_delta?.toFixed(4), 'input', d.had_recent_input);
    for (const n of d.impacted_nodes ?? []) console.log('   node', n.node_id, 'old', JSON.stringify(n.old_rect), 'new', JSON.stringify(n.new_rect));
  }
  const lcp = lhr.audits['largest-contentful-paint-element'];
  console.log('LCP element', JSON.stringify(lcp?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? lcp?.details?.items?.[0]?.node?.snippet));
  const ls = lhr.audits['layout-shifts'];
  console.log('layout-shifts audit', ls?.errorMessage ?? JSON.stringify(ls?.details?.items?.slice(0,5).map(i=>({score:i.score,node:i.node?.snippet}))));
} finally { chrome.kill(); }
