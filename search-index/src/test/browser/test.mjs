// Drives the audiocat search page in Debian's headless Chromium: search, facet click, preview
// playback, "more like this", rights dialog; saves a screenshot. Run by SearchPageIT:
//   node test.mjs http://127.0.0.1:PORT/ path/to/screenshot.png
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node test.mjs URL SCREENSHOT.png');
  process.exit(2);
}

function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
  console.log('ok - ' + msg);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(url)) external.push(r.url()); });

  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('.result').length === 8);
  check(true, 'page lists all 8 catalogued assets');
  // an untrusted title with markup shows as text and runs nothing
  const xss = await page.locator('.result h2', { hasText: '<img src=x onerror=alert(1)>' }).count();
  check(xss === 1, 'a title with markup is shown literally');
  check(await page.locator('.result img').count() === 0, 'no element was created from a title');

  // full-text search, by keyboard
  await page.focus('#q');
  await page.keyboard.type('night drive');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('2 results'));
  const first = await page.locator('.result h2').first().textContent();
  check(first.startsWith('Night Drive'), 'text search ranks a "Night Drive" first: ' + first);

  // facet click: key A minor, over the whole catalog
  await page.fill('#q', '');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('.result').length === 8);
  await page.click('label:has(input[data-facet="key"][data-value="A minor"])');
  await page.waitForFunction(() => document.querySelector('#status').textContent.startsWith('4 results'));
  const keys = await page.locator('.result .badge.key').allTextContents();
  check(keys.length === 4 && keys.every((k) => k === 'Key A minor'), 'facet A minor leaves 4 A-minor results');
  check(await page.isChecked('input[data-facet="key"][data-value="A minor"]'), 'the facet stays checked');

  // preview playback (streamed with Range requests)
  const nightDrive = page.locator('.result[data-asset-id="a1"]');
  await nightDrive.locator('button.play').click();
  await page.waitForFunction(() => {
    const p = document.getElementById('player');
    return p.currentTime > 0.2 && !p.error;
  }, null, { timeout: 15000 });
  check(true, 'the preview plays');
  const duration = await page.evaluate(() => document.getElementById('player').duration);
  check(Math.abs(duration - 2) < 0.1, 'the preview has the file\'s 2 s duration: ' + duration);
  await page.evaluate(() => document.getElementById('player').pause());

  // more like this, with the facet still applied
  await nightDrive.locator('button.like').click();
  await page.waitForSelector('#like-banner:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('similar'));
  const similar = await page.locator('.result').evaluateAll((els) => els.map((e) => e.dataset.assetId));
  check(!similar.includes('a1'), 'the asset itself is not among its look-alikes: ' + similar);
  check(['a2', 'a3'].includes(similar[0]) && ['a2', 'a3'].includes(similar[1]),
    'the nearest look-alikes come first: ' + similar);

  // rights history (no ledger configured in this test)
  await page.locator('.result').first().locator('button.rights').click();
  await page.waitForFunction(() => document.querySelector('#rights-body').textContent.includes('ledger'));
  check(true, 'rights dialog explains there is no ledger');
  await page.keyboard.press('Escape');

  await page.screenshot({ path: screenshot, fullPage: true });
  check(dialogs.length === 0, 'no script dialog was ever opened: ' + dialogs);
  check(errors.length === 0, 'no page errors: ' + errors);
  check(external.length === 0, 'no request left the server: ' + external);
} catch (e) {
  failed = true;
  console.error(e.stack || String(e));
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
