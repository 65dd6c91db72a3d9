// pa11y (npm, pinned in package-lock.json) with HTML_CodeSniffer, WCAG 2 AA, over a list of
// pages in one Chromium: the second accessibility engine beside axe-core (tests/test_a11y.py).
//
//   CHROME_PATH=<chromium> node bench/pa11y.mjs [--scheme light|dark]... <url>...
//
// Prints one JSON line per page and colour scheme (light only unless --scheme says):
//   {url, scheme, shown, title, issues: [{type, code, message, selector, context}]}
// where `shown` is the scheme Material applied (body's data-md-color-scheme) and issues are
// HTML_CodeSniffer's errors and warnings (its notices, "check this by hand", are left out).
// A page that cannot be audited prints {url, scheme, failure} and the exit status is 1.
//
// The browser is Puppeteer's, from pa11y's own dependency, launched once: a Chromium start
// per page would cost more than the audit. Each page is opened and settled here (the search
// page shows its results after load) and handed to pa11y, which only audits it.
//
// The site's Content-Security-Policy (script-src 'self', no 'unsafe-eval') stays on: pa11y
// injects HTML_CodeSniffer through the DevTools protocol (Runtime.evaluate), which a page's
// policy does not govern, and HTML_CodeSniffer itself neither evals nor loads scripts once
// its standards are bundled. A violation during the audit would still be reported: it is
// recorded and makes the page's line a failure, so no page is audited under a looser policy.
import pa11y from 'pa11y';
import puppeteer from 'puppeteer';

const SCHEMES = {light: 'default', dark: 'slate'};  // prefers-color-scheme -> Material's scheme
const VIEWPORT = {width: 1280, height: 900};
const TIMEOUT_MS = 60_000;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArguments(argv) {
  const schemes = [];
  const urls = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scheme') schemes.push(argv[++i]);
    else urls.push(argv[i]);
  }
  for (const scheme of schemes) {
    if (!(scheme in SCHEMES)) throw new Error(`--scheme ${scheme}: light or dark`);
  }
  if (!urls.length) throw new Error('no page to audit: give at least one URL');
  return {schemes: schemes.length ? schemes : ['light'], urls};
}

/** Wait until the page, its fonts and, on the search page, its results are shown. */
async function settle(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('#dvk-search-status');
    return !status || !status.textContent.startsWith('Đang');
  }, {timeout: TIMEOUT_MS});
  await page.evaluate(() => document.fonts.ready.then(() => true));
}

async function audit(browserContext, url, scheme) {
  const page = await browserContext.newPage();
  try {
    await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}]);
    await page.setViewport(VIEWPORT);
    // Before any script of the page runs, so a violation of its policy during load or the
    // audit is seen (the console says so too, but only this names the directive).
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window.__dvkViolations ||= []).push(`${event.violatedDirective}: ${event.blockedURI}`);
      });
    });
    await page.goto(url, {waitUntil: 'load', timeout: TIMEOUT_MS});
    await settle(page);
    const result = await pa11y(url, {
      browser: browserContext.browser(), page, ignoreUrl: true, runners: ['htmlcs'],
      standard: 'WCAG2AA', includeWarnings: true, includeNotices: false, viewport: VIEWPORT,
      timeout: TIMEOUT_MS,
    });
    const violations = await page.evaluate(() => window.__dvkViolations || []);
    if (violations.length) {
      return {url, scheme, failure: `Content-Security-Policy violations: ${violations.join('; ')}`};
    }
    const shown = await page.evaluate(() => document.body.getAttribute('data-md-color-scheme'));
    const issues = result.issues.map(({type, code, message, selector, context}) =>
      ({type, code, message, selector, context}));
    return {url, scheme, shown, title: result.documentTitle, issues};
  } finally {
    await page.close();
  }
}

async function main() {
  const {schemes, urls} = parseArguments(process.argv.slice(2));
  if (!process.env.CHROME_PATH) throw new Error('set CHROME_PATH to a Chromium to audit in');
  const browser = await puppeteer.launch({executablePath: process.env.CHROME_PATH, args: ARGS});
  let failed = false;
  try {
    for (const scheme of schemes) {
      // A context of its own per scheme: Material keeps the palette a page applied in
      // localStorage, and the next page of a shared context would take it over the
      // reader's prefers-color-scheme.
      const context = await browser.createBrowserContext();
      for (const url of urls) {
        let line;
        try {
          line = await audit(context, url, scheme);
        } catch (error) {
          line = {url, scheme, failure: String(error && error.stack || error)};
        }
        failed ||= 'failure' in line;
        process.stdout.write(JSON.stringify(line) + '\n');
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return failed ? 1 : 0;
}

main().then((status) => { process.exitCode = status; }, (error) => {
  process.stderr.write(`pa11y.mjs: ${error.message}\n`);
  process.exitCode = 2;
});
