// The browser side of tests/browser.rs: opens built pages in Debian's
// Chromium (driven by playwright-core, no browser download) and reports what
// it found as one JSON object on stdout. It asserts nothing itself: the Rust
// tests read the report and fail with the page, width and scheme named.
//
//   node tests/browser/check.js JOB.json
//
// JOB.json holds { mode, chromium, root, ... } (see each mode below). Pages
// are served over HTTP from `root` by the small static server here, never by
// `scholia serve`, which adds a reload script to every page.
'use strict';

const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const AXE_SOURCE = path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js');
// How tall a page is taken to be; the width is what the checks are about.
const VIEWPORT_HEIGHT = 800;

main().catch((error) => {
  process.stderr.write(`check.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'scholia-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: job.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let report;
  try {
    if (job.mode === 'pages') {
      report = await withServer(job.root, (base) => checkPages(browser, base, job));
    } else if (job.mode === 'search') {
      report = await withServer(job.root, (base) => search(browser, base, job));
    } else if (job.mode === 'portable') {
      report = await portable(browser, job);
    } else {
      throw new Error(`unknown mode ${job.mode}`);
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

// ------------------------------------------------------------------ server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

// Serves `root` on 127.0.0.1 (a free port) while `work(baseUrl)` runs.
async function withServer(root, work) {
  const server = http.createServer((req, res) => serveFile(root, req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  try {
    return await work(base);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// A static host as the README describes: a folder URL serves its index.html,
// a missing file serves /404.html with status 404.
function serveFile(root, req, res) {
  const urlPath = decodeURIComponent(new URL(req.url, 'http://host').pathname);
  let file = path.join(root, path.normalize(urlPath));
  if (!file.startsWith(root)) file = path.join(root, '404.html');
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  let status = 200;
  if (!fs.existsSync(file)) {
    status = 404;
    file = path.join(root, '404.html');
  }
  const type = TYPES[path.extname(file)] || 'application/octet-stream';
  res.writeHead(status, { 'content-type': type });
  res.end(fs.existsSync(file) ? fs.readFileSync(file) : '');
}

// ------------------------------------------------------------------ pages

// job: { pages: [{ kind, path, anchor?, redirect_target?, query?, wait_for? }], widths, schemes,
//        screenshots (folder), readme?: { kind, dir, height } }
// Returns { checks: [{ kind, path, width, scheme, failures, axe_rules }] }.
async function checkPages(browser, base, job) {
  const checks = [];
  for (const spec of job.pages) {
    for (const width of job.widths) {
      for (const scheme of job.schemes) {
        checks.push(await checkPage(browser, base, job, spec, width, scheme));
      }
    }
  }
  return { checks };
}

async function checkPage(browser, base, job, spec, width, scheme) {
  const failures = [];
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: VIEWPORT_HEIGHT });
  await page.emulateMedia({ colorScheme: scheme });
  const problems = watchForErrors(page);
  const url = base + spec.path + (spec.query ? `?${spec.query}` : '');
  let axeRules = 0;
  try {
    if (spec.kind === 'redirect') {
      await checkRedirectFollows(browser, url, spec.redirect_target, failures);
      await holdOnRedirectPage(page, url);
    }
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || response.status() !== 200) {
      failures.push(`answered ${response ? response.status() : 'nothing'} instead of 200`);
    }
    if (spec.wait_for) await page.locator(spec.wait_for).first().waitFor({ timeout: 10000 });
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    if (overflow.scroll > overflow.viewport) {
      failures.push(`scrolls sideways: the document is ${overflow.scroll} px wide in a ${overflow.viewport} px viewport`);
    }
    if (spec.nested) failures.push(...(await nestingProblems(page)));
    const axe = await runAxe(page);
    axeRules = axe.rules;
    for (const v of axe.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
      failures.push(`axe ${v.id} (${v.impact}): ${v.help} — at ${where}`);
    }
    await screenshot(page, job, spec, width, scheme);
    if (spec.kind !== 'redirect') failures.push(...(await skipLinkProblems(page)));
    if (spec.anchor) failures.push(...(await anchorProblems(browser, url, spec.anchor, width)));
  } catch (error) {
    failures.push(`could not be checked: ${error.message.split('\n')[0]}`);
  }
  failures.unshift(...problems.map((p) => `console: ${p}`));
  await page.close();
  return { kind: spec.kind, path: spec.path, width, scheme, failures, axe_rules: axeRules };
}

// Collects console errors (naming the resource a failed load was for) and
// uncaught page errors as they happen. Chromium asks every host for
// /favicon.ico on its own; the theme links none, so that 404 is not the page's.
function watchForErrors(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const source = message.location().url || '';
    if (new URL(source, 'http://host').pathname === '/favicon.ico') return;
    problems.push(source ? `${message.text()} (${source})` : message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught ${error.message}`));
  return problems;
}

// A redirect page refreshes to its target at once; to check the page itself,
// navigations away from it are stopped (an aborted navigation keeps the page).
async function holdOnRedirectPage(page, url) {
  await page.route('**/*', (route) => {
    const request = route.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && request.url() !== url) {
      return route.abort('aborted');
    }
    return route.continue();
  });
}

// The refresh really leads to the target.
async function checkRedirectFollows(browser, url, target, failures) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    // A portable build's refresh names the folder's index.html.
    const folder = (path) => path.replace(/index\.html$/, '');
    const wanted = folder(new URL(target, url).pathname);
    await page.waitForURL((u) => folder(u.pathname) === wanted, { timeout: 15000 });
  } catch (error) {
    failures.push(`does not lead to ${target}: ended at ${page.url()}`);
  }
  await page.close();
}

// The first Tab reaches the skip link, it shows, and following it moves focus
// past the navigation.
async function skipLinkProblems(page) {
  await page.keyboard.press('Tab');
  const link = await page.evaluate(() => {
    const a = document.activeElement;
    const box = a.getBoundingClientRect();
    return { href: a.getAttribute('href'), visible: box.top >= 0 && box.height > 0 && box.bottom <= window.innerHeight };
  });
  if (link.href !== '#main') return [`the first Tab focuses ${link.href === null ? 'no link' : `a link to ${link.href}`}, not the skip link to #main`];
  if (!link.visible) return ['the skip link stays out of sight when focused'];
  await page.keyboard.press('Enter');
  const at = await page.evaluate(() => location.hash);
  await page.keyboard.press('Tab');
  // The next Tab lands past the header, when anything after it takes focus
  // (else focus wraps round to the top, as it should).
  const pastNav = await page.evaluate(() => {
    const after = 'main :is(a[href], button, input, select, textarea, [tabindex]), .site-footer a[href]';
    return !document.querySelector(after) || !document.activeElement.closest('.site-header, .skip-link');
  });
  return at === '#main' && pastNav ? [] : [`following the skip link leaves focus in the header (hash ${at})`];
}

// Every reply's left edge is right of the comment it answers, and the thread
// really nests (a page marked `nested` has replies at least three deep).
async function nestingProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const replies = [...document.querySelectorAll('li.comment > ol > li.comment')];
    let deepest = 0;
    for (const reply of replies) {
      const parent = reply.parentElement.closest('li.comment');
      const own = reply.querySelector(':scope > article').getBoundingClientRect();
      const theirs = parent.querySelector(':scope > article').getBoundingClientRect();
      if (own.width === 0 || own.height === 0) problems.push(`reply #${reply.id} is not visible`);
      if (!(own.left > theirs.left)) {
        problems.push(`reply #${reply.id} starts at x=${own.left}, not right of #${parent.id} at x=${theirs.left}`);
      }
      let depth = 0;
      for (let e = reply; e; e = e.parentElement.closest('li.comment')) depth += 1;
      deepest = Math.max(deepest, depth);
    }
    if (deepest < 3) problems.push(`the thread nests only ${deepest} deep; the fixture needs replies at least 3 deep`);
    return problems;
  });
}

// Opening `url#anchor` brings that comment into the viewport.
async function anchorProblems(browser, url, anchor, width) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: VIEWPORT_HEIGHT });
  await page.goto(`${url}#${anchor}`, { waitUntil: 'load' });
  const box = await page.evaluate((id) => {
    const element = document.getElementById(id);
    if (!element) return null;
    const rect = element.getBoundingClientRect();
    return { top: rect.top, bottom: rect.bottom, height: window.innerHeight, scrolled: window.scrollY };
  }, anchor);
  await page.close();
  if (!box) return [`#${anchor}: no element with that id`];
  // Scrolling lands on a fraction of a pixel: a quarter above the top is in view.
  if (box.top < -1 || box.top >= box.height) {
    return [`#${anchor}: the comment's top is at y=${box.top}, outside the ${box.height} px viewport (page scrolled to ${box.scrolled})`];
  }
  return [];
}

// Runs axe-core with its default rules; returns the violations and how many
// rules ran (passed, failed, could not decide, or found nothing to check).
async function runAxe(page) {
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    const rules = result.passes.length + result.violations.length + result.incomplete.length + result.inapplicable.length;
    return { rules, violations: result.violations };
  });
}

async function screenshot(page, job, spec, width, scheme) {
  const name = `${spec.kind}-${width}-${scheme}.png`;
  fs.mkdirSync(job.screenshots, { recursive: true });
  await page.screenshot({ path: path.join(job.screenshots, name), fullPage: true });
  const readme = job.readme;
  if (readme && readme.kind === spec.kind && scheme === 'light') {
    fs.mkdirSync(readme.dir, { recursive: true });
    const height = Math.min(readme.height, await page.evaluate(() => document.documentElement.scrollHeight));
    await page.screenshot({
      path: path.join(readme.dir, `${spec.kind}-${width}.png`),
      clip: { x: 0, y: 0, width, height },
      fullPage: true,
    });
  }
}

// ------------------------------------------------------------------ search

// job: { root, path, phrase, screenshot? } → { typed, from_url, from_disk }, each
// { href, failures }. Types the phrase into the search form and submits it,
// then opens `path?q=phrase` over HTTP and from file://; each time reports
// the first result's link.
async function search(browser, base, job) {
  const typed = await searchOnce(browser, base + job.path, async (page) => {
    await page.fill('form[role="search"] input[type="search"][name="q"]', job.phrase);
    await page.press('form[role="search"] input[name="q"]', 'Enter');
  }, job.screenshot);
  const query = `?q=${encodeURIComponent(job.phrase)}`;
  const fromUrl = await searchOnce(browser, `${base}${job.path}${query}`, async () => {});
  // The same search in the folder opened from disk: the index loads through
  // <script> tags, which file:// allows.
  const onDisk = `file://${path.join(job.root, job.path, "index.html")}${query}`;
  const fromDisk = await searchOnce(browser, onDisk, async () => {});
  return { typed, from_url: fromUrl, from_disk: fromDisk };
}

// `screenshot`, when given, is where the page with its results is saved.
async function searchOnce(browser, url, act, screenshot) {
  const page = await browser.newPage();
  const problems = watchForErrors(page);
  const failures = [];
  let href = null;
  try {
    await page.goto(url, { waitUntil: 'load' });
    await act(page);
    const first = page.locator('#search-results li a[href]').first();
    await first.waitFor({ timeout: 10000 });
    href = await first.evaluate((a) => a.href);
    if (screenshot) {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
    }
  } catch (error) {
    failures.push(`no result link appeared in #search-results: ${error.message.split('\n')[0]}`);
  }
  failures.push(...problems.map((p) => `console: ${p}`));
  await page.close();
  return { href, failures };
}

// ------------------------------------------------------------------ file://

// job: { index (absolute path of the built index.html) } → a report of the
// portable build opened from disk: did the stylesheet load, and do an
// article link and a pagination link lead to their pages.
async function portable(browser, job) {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  const report = { failures: [] };
  const fail = (what) => report.failures.push(what);
  try {
    const start = 'file://' + job.index;
    await page.goto(start, { waitUntil: 'load' });
    // style.css zeroes the body's margin and lays the header out in a row;
    // an unstyled page keeps the browser's 8 px margin and a block header.
    report.styled = await page.evaluate(() => getComputedStyle(document.body).marginTop === '0px'
      && getComputedStyle(document.querySelector('.site-header')).display === 'flex');
    if (!report.styled) fail('the stylesheet did not load (body margin and header layout are the browser defaults)');
    const article = page.locator('.article-list h2 a').first();
    const title = (await article.textContent()).trim();
    await Promise.all([page.waitForNavigation(), article.click()]);
    report.article_url = page.url();
    const h1 = (await page.locator('h1').first().textContent()).trim();
    if (!page.url().startsWith('file://') || h1 !== title) {
      fail(`the article link "${title}" led to ${page.url()} whose heading is "${h1}"`);
    }
    await page.goto(start, { waitUntil: 'load' });
    const next = page.locator('.pagination a[rel="next"]');
    await Promise.all([page.waitForNavigation(), next.click()]);
    report.page2_url = page.url();
    const current = await page.locator('.pagination [aria-current="page"]').textContent().catch(() => null);
    if (!page.url().startsWith('file://') || (current || '').trim() !== '2') {
      fail(`the pagination link "Older" led to ${page.url()}, which is not page 2`);
    }
  } catch (error) {
    fail(`could not be checked: ${error.message.split('\n')[0]}`);
  }
  await page.close();
  return report;
}
