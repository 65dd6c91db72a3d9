// Lighthouse (npm, pinned in package-lock.json) over a list of pages, in one Debian Chromium.
//
//   node bench/lighthouse.mjs <categories> <url>...   (categories: comma-separated, e.g.
//   "accessibility,best-practices,seo" or "performance")
//
// Prints one JSON line per page: its scores, the failed audits of those categories (id and
// title, with the items Lighthouse names), and the performance figures the bench keeps.
// One browser for every page saves a Chromium start each; Lighthouse resets the origin's
// storage and cache before each run, so every page is still a cold first visit.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [categories, ...urls] = process.argv.slice(2);
const onlyCategories = categories.split(',');
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run'],
});
const FIGURES = ['total-byte-weight', 'cumulative-layout-shift', 'largest-contentful-paint',
                 'first-contentful-paint', 'total-blocking-time', 'speed-index'];
try {
  for (const url of urls) {
    const result = await lighthouse(url, {port: chrome.port, output: 'json', logLevel: 'error',
                                          onlyCategories});
    const lhr = result.lhr;
    const failed = [];
    for (const id of onlyCategories) {
      for (const ref of lhr.categories[id].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          const items = (audit.details && audit.details.items || []).slice(0, 5).map(
            (item) => item.node ? item.node.snippet : (item.url || item.source || item.description
                                                      || JSON.stringify(item).slice(0, 200)));
          failed.push({category: id, id: ref.id, title: audit.title, items});
        }
      }
    }
    const scores = Object.fromEntries(onlyCategories.map(
      (id) => [id, Math.round(lhr.categories[id].score * 100)]));
    const figures = Object.fromEntries(FIGURES.filter((id) => lhr.audits[id]).map(
      (id) => [id, lhr.audits[id].numericValue]));
    process.stdout.write(JSON.stringify({url, scores, failed, figures,
                                         runtimeError: lhr.runtimeError || null}) + '\n');
  }
} finally {
  await chrome.kill();
}
