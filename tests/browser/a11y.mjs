// Accessibility of every public page of the demo organization: axe-core finds no
// serious or critical violation, nothing scrolls sideways at 360 px, and Thai text is
// rendered (screenshot in tests/browser/out/a11y-home-th.png — look at it).
// Pages are discovered from the home page's navigation (only pages this build has).
//
// Usage: BASE_URL=http://127.0.0.1:PORT node a11y.mjs
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

let failed = 0;
function check(cond, what) {
  if (!cond) { failed += 1; console.log(`not ok - ${what}`); } else { console.log(`ok - ${what}`); }
}

const userDataDir = mkdtempSync(join(tmpdir(), 'prongsai-a11y-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 360, height: 780 },
});
const page = context.pages()[0] ?? await context.newPage();

try {
  await page.goto(`${base}/`);
  const home = new URL(page.url()).pathname;
  check(/^\/[a-z0-9-]+\/$/.test(home), `the root leads to an organization's home (${home})`);
  const slug = home.split('/')[1];

  // The pages to check: the home, its public navigation, one item of the information
  // centre when there is one, and the search with a Thai query.
  const paths = new Set([home]);
  for (const href of await page.$$eval('nav.org-pages a', (as) => as.map((a) => a.getAttribute('href')))) {
    if (href && href.startsWith(`/${slug}/`)) paths.add(href);
  }
  check(paths.size >= 4, `the home links the organization's public pages (${paths.size - 1})`);
  if (paths.has(`/${slug}/info`)) {
    await page.goto(`${base}/${slug}/info`);
    const first = await page.$('ul.info-list a');
    if (first) paths.add(await first.getAttribute('href'));
  }
  if (paths.has(`/${slug}/search`)) paths.add(`/${slug}/search?q=${encodeURIComponent('จัดซื้อจัดจ้าง')}`);

  for (const path of paths) {
    const res = await page.goto(`${base}${path}`);
    check(res && res.status() === 200, `${path} answers 200`);
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of bad) {
      console.log(`  ${v.impact} ${v.id}: ${v.help}`);
      for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(' ')}`);
    }
    check(bad.length === 0, `${path}: no serious or critical axe violation`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `${path}: no horizontal scroll at 360 px (overflow ${overflow}px)`);
  }

  // Thai text rendered: the home page in Thai, with real glyphs (not empty boxes).
  await page.goto(`${base}${home}`);
  const h1 = await page.textContent('h1');
  check(/[\u0E00-\u0E7F]/.test(h1 ?? ''), 'the home page title is Thai');
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    return document.fonts.check('16px sans-serif', 'ทดสอบภาษาไทย');
  });
  check(fonts, 'a font with Thai glyphs is available');
  await page.screenshot({ path: join(out, 'a11y-home-th.png'), fullPage: true });
} finally {
  await context.close();
}
if (failed > 0) {
  console.log(`${failed} accessibility check(s) failed`);
  process.exit(1);
}
