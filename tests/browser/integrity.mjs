// The corruption-report channel in a real browser: a reporter files an anonymous report
// from the organization's home page and gets a receipt; the demo integrity officer
// signs in, acknowledges and replies; the reporter (a fresh browser, no cookies) reads
// the reply with the receipt. Also: the receipt never appears in a URL, and a clerk is
// refused (403) in the integrity area.
//
// Usage: BASE_URL=http://127.0.0.1:PORT PRONGSAI_DEMO_PASSWORD=… node integrity.mjs
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

async function browser() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'prongsai-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 390, height: 844 },
  });
}

const urls = [];
const reporter = await browser();
const officer = await browser();
const later = await browser();
try {
  for (const ctx of [reporter, officer, later]) {
    ctx.on('request', (r) => urls.push(r.url()));
  }
  // 1. The reporter, anonymous.
  const page = reporter.pages()[0] ?? await reporter.newPage();
  await page.goto(`${base}/chachoengsao/`);
  await page.click('a[href="/chachoengsao/integrity/report"]');
  check(page.url().endsWith('/chachoengsao/integrity/report'), 'the home page links to the report form');
  check((await page.textContent('h1')).includes('แจ้งเบาะแส'), 'the form has its Thai title');
  await page.fill('#who_position', 'เจ้าหน้าที่พัสดุ');
  await page.fill('#what', 'เรียกรับเงินเพื่อให้ผ่านการตรวจรับพัสดุ (ทดสอบเบราว์เซอร์)');
  await page.fill('#when', 'มีนาคม 2568');
  await page.screenshot({ path: join(out, 'integrity-form.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const receipt = (await page.textContent('#receipt')).trim();
  check(/^[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}$/.test(receipt), `a receipt is shown once (${receipt.length} characters)`);
  await page.screenshot({ path: join(out, 'integrity-receipt.png'), fullPage: true });

  // 2. The integrity officer.
  const o = officer.pages()[0] ?? await officer.newPage();
  await o.goto(`${base}/login?next=/chachoengsao/staff/integrity/`);
  await o.fill('#username', 'integrity');
  await o.fill('#password', password);
  await Promise.all([o.waitForNavigation(), o.click('button[type=submit]')]);
  check(o.url().endsWith('/chachoengsao/staff/integrity/'), 'the integrity officer reaches the queue');
  await Promise.all([o.waitForNavigation(), o.click('table a')]);
  check((await o.textContent('main')).includes('เรียกรับเงินเพื่อให้ผ่านการตรวจรับพัสดุ'), 'the officer reads the report');
  check((await o.textContent('main')).includes('ไม่ประสงค์ออกนาม'), 'the report is anonymous');
  await Promise.all([o.waitForNavigation(), o.click('button:has-text("ตอบรับเรื่อง")')]);
  check((await o.textContent('#report-status')).includes('ตอบรับเรื่องแล้ว'), 'the report is acknowledged');
  await o.fill('#body', 'ได้รับเรื่องแล้ว กำลังตรวจสอบข้อเท็จจริง ขอบคุณที่แจ้ง');
  await Promise.all([o.waitForNavigation(), o.click('button:has-text("ส่งคำตอบ")')]);
  await o.screenshot({ path: join(out, 'integrity-officer.png'), fullPage: true });

  // 3. The reporter comes back later, in a fresh browser, with only the receipt.
  const r = later.pages()[0] ?? await later.newPage();
  await r.goto(`${base}/chachoengsao/integrity/follow-up`);
  await r.fill('#receipt', receipt.toLowerCase());
  await Promise.all([r.waitForNavigation(), r.click('button[type=submit]')]);
  const text = await r.textContent('main');
  check(text.includes('ได้รับเรื่องแล้ว กำลังตรวจสอบข้อเท็จจริง'), 'the reporter reads the reply with the receipt');
  check((await r.textContent('#report-status')).includes('ตอบรับเรื่องแล้ว'), 'the reporter sees the status');
  await r.screenshot({ path: join(out, 'integrity-follow-up.png'), fullPage: true });

  // 4. The receipt never went into a URL.
  const canonical = receipt.replaceAll('-', '');
  check(!urls.some((u) => u.toUpperCase().replaceAll('-', '').includes(canonical)), 'the receipt is in no URL');

  // 5. Other roles are refused.
  await o.goto(`${base}/login`);
  const clerk = await browser();
  const c = clerk.pages()[0] ?? await clerk.newPage();
  await c.goto(`${base}/login`);
  await c.fill('#username', 'clerk');
  await c.fill('#password', password);
  await Promise.all([c.waitForNavigation(), c.click('button[type=submit]')]);
  const res = await c.goto(`${base}/chachoengsao/staff/integrity/`);
  check(res.status() === 403, 'a clerk gets 403 in the integrity area');
  await clerk.close();
  console.log('integrity: all checks passed');
} finally {
  await reporter.close();
  await officer.close();
  await later.close();
}
