// The foundation in a real browser: sign in as the clerk, see the dashboard in Thai,
// switch to English, check the page, keyboard focus and the absence of console errors,
// and save screenshots to tests/browser/out/.
//
// Usage: BASE_URL=http://127.0.0.1:PORT PRONGSAI_DEMO_PASSWORD=… node foundation.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const password = process.env.PRONGSAI_DEMO_PASSWORD ?? 'demo-password-123';
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'prongsai-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 390, height: 844 }, // a phone
});
const page = context.pages()[0] ?? await context.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));

try {
  // Public home (the installation has one organization: / redirects there).
  await page.goto(`${base}/`);
  check(/\/chachoengsao\/$/.test(page.url()), 'the root redirects to the only organization');
  check(await page.getAttribute('html', 'lang') === 'th', 'pages are Thai by default');
  check((await page.textContent('h1')).includes('เทศบาลเมืองฉะเชิงเทรา'), 'the home page names the municipality');
  await page.screenshot({ path: join(out, 'home-th.png'), fullPage: true });

  // Keyboard: the first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement?.classList.contains('skip')), 'the skip link is the first stop');

  // Sign in as the clerk.
  await page.click('text=สำหรับเจ้าหน้าที่');
  check(page.url().includes('/login'), 'the staff link asks to sign in');
  await page.fill('#username', 'clerk');
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(page.url().endsWith('/chachoengsao/staff/'), 'signing in lands on the staff dashboard');
  const th = await page.textContent('main');
  check(th.includes('หน้าหลักเจ้าหน้าที่'), 'the dashboard has its Thai title');
  check(th.includes('ปลัด'), 'the dashboard shows the role');
  check(/ปีงบประมาณ พ\.ศ\. 25\d\d/.test(th), 'the fiscal year is in B.E.');
  await page.screenshot({ path: join(out, 'dashboard-th.png'), fullPage: true });

  // Switch to English.
  await Promise.all([page.waitForNavigation(), page.click('a[hreflang=en]')]);
  check(await page.getAttribute('html', 'lang') === 'en', 'the switch turns the page English');
  const en = await page.textContent('main');
  check(en.includes('Staff home') && en.includes('Municipal clerk'), 'the dashboard reads in English');
  check(/Fiscal year 25\d\d B\.E\./.test(en), 'the English fiscal year label');
  await page.screenshot({ path: join(out, 'dashboard-en.png'), fullPage: true });

  // Settings form works without JavaScript and keeps Thai digits.
  await page.goto(`${base}/chachoengsao/staff/settings`);
  await page.fill('#complaint_deadline_days', '๑๕');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  check((await page.textContent('main')).includes('Saved'), 'settings save with Thai digits');

  // Sign out.
  await Promise.all([page.waitForNavigation(), page.click('header button[type=submit]')]);
  await page.goto(`${base}/chachoengsao/staff/`);
  check(page.url().includes('/login'), 'after signing out the staff area asks to sign in');

  check(problems.length === 0, `no console errors or CSP violations (${problems.join('; ')})`);
  console.log('all browser checks passed');
} finally {
  await context.close();
}
