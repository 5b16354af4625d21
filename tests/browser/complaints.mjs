// The complaint centre in a real browser: a citizen on a 360-px-wide phone files a
// complaint without an account and gets a tracking code and a B.E. deadline; the demo
// officer (finance division) acknowledges it and resolves it with a public reply; the
// citizen types the code, sees the reply and confirms. Screenshots go to out/.
//
// Usage: BASE_URL=http://127.0.0.1:PORT PRONGSAI_DEMO_PASSWORD=… node complaints.mjs
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const password = process.env.PRONGSAI_DEMO_PASSWORD ?? 'demo-password-123';
const org = process.env.ORG ?? 'chachoengsao';
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

async function browser(viewport) {
  const dir = mkdtempSync(join(tmpdir(), 'prongsai-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

const citizen = await browser({ width: 360, height: 740 });
const officer = await browser({ width: 1024, height: 900 });
const reply = 'ส่งใบแจ้งภาษีที่ดินฉบับใหม่ไปยังที่อยู่ที่ถูกต้องแล้ว';
try {
  // 1. The citizen files on a phone, no account, no JavaScript needed.
  const c = citizen.page;
  await c.goto(`${base}/${org}/complaints/new`);
  check((await c.textContent('h1')).includes('แจ้งเรื่องร้องทุกข์'), 'the form has its Thai title');
  check(await c.evaluate(() => document.documentElement.scrollWidth <= 360), 'the form fits a 360-px screen');
  await c.selectOption('#category', 'tax');
  await c.fill('#description', 'ใบแจ้งภาษีที่ดินส่งไปผิดบ้าน ขอให้ตรวจสอบที่อยู่');
  await c.fill('#location_text', 'ถนนมรุพงษ์ ใกล้ตลาดบ้านใหม่');
  await c.fill('#contact_name', 'สมหญิง ใจดี');
  await c.check('input[name=privacy]');
  await c.screenshot({ path: join(out, 'complaint-form-360.png'), fullPage: true });
  await c.waitForTimeout(2500); // people take a few seconds; the form refuses bots that do not
  await Promise.all([c.waitForNavigation(), c.click('form.complaint-form button[type=submit]')]);
  const code = (await c.textContent('#tracking-code')).trim();
  check(/^25\d\d-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code), `a tracking code is shown at once (${code})`);
  check(/25\d\d/.test(await c.textContent('#deadline')), 'the deadline is a B.E. date');
  await c.screenshot({ path: join(out, 'complaint-filed-360.png'), fullPage: true });

  // 2. The finance officer acknowledges and resolves it with a public reply.
  const o = officer.page;
  await o.goto(`${base}/login`);
  await o.fill('#username', 'officer');
  await o.fill('#password', password);
  await Promise.all([o.waitForNavigation(), o.click('button[type=submit]')]);
  await o.goto(`${base}/${org}/staff/complaints`);
  check((await o.textContent('#queue')).includes(code), 'the case is in the officer\'s queue with days left');
  await Promise.all([o.waitForNavigation(), o.click(`text=${code}`)]);
  await Promise.all([o.waitForNavigation(), o.click('#acknowledge')]);
  check(await o.getAttribute('#status', 'data-status') === 'acknowledged', 'the officer acknowledges');
  await o.fill('#resolve-text', reply);
  await Promise.all([o.waitForNavigation(), o.click('#resolve')]);
  check(await o.getAttribute('#status', 'data-status') === 'resolved', 'the officer resolves with a reply');
  await o.screenshot({ path: join(out, 'complaint-case-staff.png'), fullPage: true });

  // 3. The citizen types the code (any case, spaces instead of dashes) and confirms.
  await c.goto(`${base}/${org}/complaints/track`);
  await c.fill('#code', code.toLowerCase().replaceAll('-', ' '));
  await Promise.all([c.waitForNavigation(), c.click('form button[type=submit]')]);
  check((await c.textContent('#history')).includes(reply), 'the citizen sees the public reply');
  check(await c.evaluate(() => document.documentElement.scrollWidth <= 360), 'the tracking page fits a 360-px screen');
  await Promise.all([c.waitForNavigation(), c.click('#confirm')]);
  check(await c.getAttribute('#status', 'data-status') === 'closed', 'the citizen confirms and the case closes');
  await c.screenshot({ path: join(out, 'complaint-confirmed-360.png'), fullPage: true });

  const problems = [...citizen.problems, ...officer.problems];
  check(problems.length === 0, `no console errors (${problems.join(' | ')})`);
  console.log('complaints browser test passed');
} finally {
  await citizen.context.close();
  await officer.context.close();
}
