// Running the plan in a real browser (issue 4, "Done when"): in the demo organization
// the officer records progress on a project of their division (กองคลัง) with evidence —
// a PNG made here and a link — and sends it to the head; the head approves; the clerk
// submits the 6-month round of 2567; the XLSX download opens (openpyxl) with the right
// totals; the PDF download renders Thai (pdftoppm: not blank; pdftotext: the Thai project
// name; pdffonts: every font embedded); the public reports page shows the round; the
// public risk register shows the seed plan's four risks with their controls linked to
// plan projects. Screenshots and downloads go to tests/browser/out/.
//
// The demo's sample progress (crates/cli/src/demo_progress.rs) is part of the expected
// totals below: 12 projects recorded, 140,500.50 baht disbursed.
//
// Usage: BASE_URL=http://127.0.0.1:PORT PRONGSAI_DEMO_PASSWORD=… node plan_run.mjs
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const password = process.env.PRONGSAI_DEMO_PASSWORD ?? 'demo-password-123';
const out = join(here, 'out');
mkdirSync(out, { recursive: true });
const org = `${base}/chachoengsao`;
const YEAR = 2567;
const PROJECT = 'โครงการเสริมสร้างความโปร่งใสในการบริหารงบประมาณ'; // no. 4, กองคลัง, nothing recorded in the demo
const squash = (s) => s.replace(/\s+/g, '');

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

// ---- a small PNG, made here (16×16, a red and blue checkerboard) ------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function makePng(size = 16) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0]; // filter: none
    for (let x = 0; x < size; x++) row.push(...(((x >> 2) + (y >> 2)) % 2 ? [200, 30, 40] : [20, 60, 200]));
    rows.push(Buffer.from(row));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the browser ----------------------------------------------------------------------
const userDataDir = mkdtempSync(join(tmpdir(), 'prongsai-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
});
const page = context.pages()[0] ?? await context.newPage();
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(String(e)));

async function signIn(username) {
  await context.clearCookies();
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  check(page.url().includes('/chachoengsao/staff/'), `${username} signs in`);
}
async function submitForm(selector) {
  await Promise.all([page.waitForNavigation(), page.click(`${selector} button[type=submit]`)]);
}
async function download(linkSelector, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(linkSelector)]);
  const path = join(out, name);
  await dl.saveAs(path);
  return path;
}

try {
  // ---- the officer records progress on a project of their division ----------------------
  await signIn('officer');
  await page.goto(`${org}/staff/progress?year=${YEAR}`);
  await Promise.all([page.waitForNavigation(), page.click(`main a:has-text("${PROJECT}")`)]);
  const projectUrl = page.url().split('?')[0];
  check(/\/staff\/progress\/\d+\/2567$/.test(projectUrl), 'the project opens from the progress list');
  check((await page.textContent('main')).includes('กองคลัง'), 'the project belongs to the finance division (กองคลัง)');
  check(await page.isEnabled('#status'), 'the officer may edit it (a draft)');
  await page.selectOption('#status', 'done');
  for (const [seq, on] of [[1, '2023-11-20'], [2, '2024-01-15'], [3, '2024-03-01']]) {
    await page.check(`#step_done_${seq}`);
    await page.fill(`#step_on_${seq}`, on);
  }
  await page.fill('#dev_plan', '');
  await page.fill('#ordinance', '๕,๐๐๐'); // Thai digits are accepted
  await page.fill('#disbursed', '4,250.75');
  await page.fill('#kpi_actual_output_1', '4'); // ≥ 3 channels
  await page.fill('#kpi_actual_output_2', '1'); // = 1 time
  await page.fill('#kpi_actual_outcome_1', '2'); // complaints decrease from 5 to 2
  await page.fill('#kpi_base_outcome_1', '5');
  await page.fill('#problems', 'ผู้เข้าร่วมเวทีรับฟังความคิดเห็นน้อยกว่าที่คาด');
  await page.fill('#notes', 'เผยแพร่รายงานการเงินทางเว็บไซต์ บอร์ด และเฟซบุ๊ก');
  await submitForm(`form[action$="/progress/${projectUrl.split('/').slice(-2).join('/')}"]`);
  let main = await page.textContent('main');
  check(page.url().includes('ok=saved') && main.includes('บันทึกแล้ว'), 'the progress is saved');
  check(await page.inputValue('#ordinance') === '5,000.00' || await page.inputValue('#ordinance') === '5,000',
    `the Thai-digit amount is read as 5,000 (${await page.inputValue('#ordinance')})`);
  check(await page.locator('.badge-achieved').count() === 3, 'all three KPIs are computed as achieved');

  // Evidence: a PNG photo made here, and a link.
  await page.setInputFiles('#file', { name: 'ภาพเวทีรับฟังความคิดเห็น.png', mimeType: 'image/png', buffer: makePng() });
  await page.fill('#caption', 'ภาพกิจกรรมเวทีรับฟังความคิดเห็น');
  await submitForm('form[action$="/evidence"]');
  await page.fill('#link', 'https://www.chachoengsaocity.go.th/news/budget-2567');
  await page.fill('#caption', 'รายงานการเงินบนเว็บไซต์เทศบาล');
  await submitForm('form[action$="/evidence"]');
  main = await page.textContent('main');
  check(main.includes('ภาพเวทีรับฟังความคิดเห็น.png') && main.includes('image/png'), 'the photo is listed as evidence (PNG)');
  check(main.includes('https://www.chachoengsaocity.go.th/news/budget-2567'), 'the link is listed as evidence');
  const photoHref = await page.getAttribute('a:has-text("ภาพเวทีรับฟังความคิดเห็น.png")', 'href');
  const photo = await page.request.get(new URL(photoHref, base).toString());
  check(photo.ok() && (await photo.body()).subarray(1, 4).toString() === 'PNG', 'the photo downloads back as a PNG');
  await page.screenshot({ path: join(out, 'progress-officer.png'), fullPage: true });

  await submitForm('form[action$="/submit"]');
  check(await page.locator('.badge-submitted_for_approval').count() > 0, 'sent to the division head');
  check(!(await page.isEnabled('#status')), 'waiting for approval, the form is locked');

  // ---- the head approves ----------------------------------------------------------------
  await signIn('head');
  await page.goto(projectUrl);
  await submitForm('form[action$="/approve"]');
  main = await page.textContent('main');
  check(page.url().includes('ok=approved') && (await page.locator('.badge-approved').count()) > 0, 'the head approves');
  check(main.includes('head'), 'who approved is shown');

  // ---- the clerk submits the 6-month round ----------------------------------------------
  await signIn('clerk');
  await page.goto(`${org}/staff/rounds/${YEAR}/6m`);
  check((await page.textContent('main')).includes('ฉบับร่าง'), 'before submission the round is a live draft');
  await submitForm(`form[action$="/rounds/${YEAR}/6m/submit"]`);
  main = await page.textContent('main');
  check(page.url().includes('ok=submitted') && main.includes('ฉบับที่ส่ง'), 'the clerk submits the round (version 1)');
  await page.screenshot({ path: join(out, 'round-submitted.png'), fullPage: true });

  // XLSX: opened with openpyxl, totals checked.
  const xlsx = await download('a[href*="/report.xlsx"]', 'round-2567-6m.xlsx');
  const readXlsx = String.raw`
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
s = wb["สรุปตามมิติ"]
summary = [list(r) for r in s.iter_rows(values_only=True) if r[0] == "รวมทั้งสิ้น"]
ws = wb["ผลรายโครงการ"]
header, projects, total = None, [], None
for row in ws.iter_rows(values_only=True):
    if header is None and row[2] == "โครงการ/กิจกรรม/มาตรการ":
        header = list(row); continue
    if header is None: continue
    label = row[2] if isinstance(row[2], str) else ""
    if label.startswith("รวมทั้งสิ้น"): total = list(row)
    elif not label.startswith("รวมมิติ") and row[1] not in (None, ""): projects.append(list(row))
print(json.dumps({"sheets": wb.sheetnames, "summary": summary, "header": header, "projects": projects, "total": total}, ensure_ascii=False, default=str))
`;
  const x = JSON.parse(execFileSync('python3', ['-c', readXlsx, xlsx], { encoding: 'utf8' }));
  check(JSON.stringify(x.sheets) === JSON.stringify(['สรุปตามมิติ', 'ผลรายโครงการ']), 'the XLSX opens with its two Thai sheets');
  const [, projects, done, inProgress, notStarted, notDone, planned, disbursed] = x.summary[0];
  check(projects === 36 && done === 6 && inProgress === 5 && notStarted === 24 && notDone === 1,
    `summary counts: 36 projects, 6 done, 5 in progress, 24 not started, 1 could not be done (${x.summary[0]})`);
  check(planned === 310000, `planned for 2567: 310,000 baht (${planned})`);
  check(Math.abs(disbursed - 144751.25) < 0.005, `disbursed: 140,500.50 (demo) + 4,250.75 (officer) = 144,751.25 baht (${disbursed})`);
  const col = (name) => x.header.findIndex((h) => typeof h === 'string' && h.startsWith(name));
  const [cPlanned, cDisbursed, cStatus] = [col(`ปี ${YEAR}`), col('เบิกจ่าย'), col('สถานะ')];
  check(x.projects.length === 36, `the project table has 36 rows (${x.projects.length})`);
  const sum = (c) => x.projects.reduce((a, r) => a + (typeof r[c] === 'number' ? r[c] : 0), 0);
  check(Math.abs(sum(cPlanned) - x.total[cPlanned]) < 0.005 && x.total[cPlanned] === 310000, 'the planned total is the sum of the rows');
  check(Math.abs(sum(cDisbursed) - x.total[cDisbursed]) < 0.005 && Math.abs(x.total[cDisbursed] - 144751.25) < 0.005,
    'the disbursed total is the sum of the rows');
  const row4 = x.projects.find((r) => String(r[2]).includes(PROJECT));
  check(row4 && Math.abs(row4[cDisbursed] - 4250.75) < 0.005 && String(row4[cStatus]).includes('แล้วเสร็จ'),
    `the officer's project row: done, 4,250.75 disbursed (${row4})`);

  // PDF: Thai rendered with the embedded font.
  const pdf = await download('a[href*="/report.pdf"]', 'round-2567-6m.pdf');
  check(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', 'the PDF downloads');
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, join(out, 'round-2567-6m-page1')]);
  execFileSync('pdftoppm', ['-gray', '-r', '50', '-f', '1', '-l', '1', '-singlefile', pdf, join(out, 'round-2567-6m-page1')]);
  const pgm = readFileSync(join(out, 'round-2567-6m-page1.pgm'));
  const header = pgm.subarray(0, 40).toString('latin1').split(/\s+/);
  const [w, h] = [Number(header[1]), Number(header[2])];
  const pixels = pgm.subarray(pgm.length - w * h);
  const dark = pixels.reduce((n, p) => n + (p < 128 ? 1 : 0), 0);
  check(header[0] === 'P5' && w > h && dark > 2000, `page 1 (A4 landscape, ${w}×${h}) is not blank: ${dark} dark pixels`);
  check(readFileSync(join(out, 'round-2567-6m-page1.png')).subarray(1, 4).toString() === 'PNG', 'page 1 rendered to PNG (tests/browser/out/round-2567-6m-page1.png)');
  const text = squash(execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }));
  check(text.includes(squash(PROJECT)) && text.includes('เทศบาลเมืองฉะเชิงเทรา'), 'pdftotext finds the Thai project name');
  check(text.includes('144,751.25') && text.includes('310,000'), 'pdftotext finds the totals');
  check(!text.includes('\uFFFD'), 'no replacement characters in the extracted text');
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
  // Columns: name type encoding emb sub uni object ID — every font embedded, with ToUnicode.
  check(fonts.length > 0 && fonts.every((l) => /\syes\s+yes\s+yes\s+\d+\s+\d+$/.test(l)),
    `every font is embedded (subset, with ToUnicode):\n${fonts.join('\n')}`);

  // ---- the public pages -----------------------------------------------------------------
  await context.clearCookies();
  await page.goto(`${org}/reports`);
  main = await page.textContent('main');
  check(main.includes(String(YEAR)), 'the public reports page lists 2567');
  await Promise.all([page.waitForNavigation(), page.click(`main a[href$="/reports/${YEAR}/6m"]`)]);
  main = await page.textContent('main');
  check(main.includes(PROJECT) && main.includes('144,751.25'), 'the public report shows the project and the disbursed total');
  check(!main.includes('ฉบับร่าง'), 'the public sees the submitted version, not a draft');
  const pubPdf = await page.request.get(`${org}/reports/${YEAR}/6m/report.pdf`);
  check(pubPdf.ok() && (await pubPdf.body()).subarray(0, 5).toString() === '%PDF-', 'the public can download the PDF');
  await page.screenshot({ path: join(out, 'report-public.png'), fullPage: true });

  // ---- the risk register: the seed plan's four risks, controls linked to projects -------
  await page.goto(`${org}/risks`);
  if (await page.locator('li.risk').count() === 0) {
    // Not seeded on import (yet): the clerk adds the plan's Part 1 risks to the register.
    console.log('# the register is empty; the clerk seeds it from the plan');
    await signIn('clerk');
    await page.goto(`${org}/staff/risks`);
    await submitForm('form[action$="/risks/seed"]');
    await context.clearCookies();
    await page.goto(`${org}/risks`);
  }
  const risks = page.locator('li.risk');
  check(await risks.count() === 4, `the public risk register shows the seed's four risks (${await risks.count()})`);
  for (let i = 0; i < 4; i++) {
    const r = risks.nth(i);
    const title = (await r.locator('h2').textContent()).trim();
    const links = await r.locator('ol.controls a[href*="/plan/projects/"]').count();
    const controls = await r.locator('ol.controls > li').count();
    check(links > 0, `risk ${i + 1} (${title.slice(0, 40)}…): ${links}/${controls} controls linked to plan projects, level shown`);
    check((await r.locator('.level').count()) === 1, `risk ${i + 1} shows its level`);
  }
  const first = page.locator('li.risk ol.controls a[href*="/plan/projects/"]').first();
  await Promise.all([page.waitForNavigation(), first.click()]);
  check(/\/plan\/projects\/\d+$/.test(page.url()), 'a control links to its plan project');
  await page.goto(`${org}/risks`);
  await page.screenshot({ path: join(out, 'risks-public.png'), fullPage: true });

  check(problems.length === 0, `no console errors or CSP violations (${problems.join('; ')})`);
  console.log('all plan-run browser checks passed');
} finally {
  await context.close();
}
