// Shared set-up for the browser tests: a demo server on a fresh database, Debian's Chromium,
// and an axe-core check (WCAG 2.1 AA) plus a screenshot of every page visited.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
export const screenshots = join(here, '..', 'screenshots');
export const PASSWORD = 'tandem-demo-2026';

export async function startDemo() {
  const bin = process.env.TANDEM_BIN || join(root, 'target', 'debug', 'tandem');
  const dir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
  // Port 0: the system picks a free port, which the server names in its log.
  const child = spawn(bin, [
    '--database-url', `sqlite://${join(dir, 'demo.db')}`,
    'demo', '--listen', '127.0.0.1:0',
    '--nces-file', join(root, '..', 'shared', 'data', 'nces', 'michigan_schools.csv'),
  ], { stdio: ['ignore', 'ignore', 'pipe'], cwd: root, env: { ...process.env, RUST_LOG: 'warn,tandem=info' } });
  const base = await new Promise((resolve, reject) => {
    let log = '';
    let found = null;
    child.stderr.on('data', (chunk) => {
      // Later warnings show as before; the info lines that named the port do not.
      if (found) return String(chunk).split('\n').filter((l) => l && !l.includes(' INFO')).forEach((l) => console.error(l));
      log += chunk;
      found = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`tandem demo exited (${code}) before listening:\n${log}`)));
    setTimeout(() => reject(new Error(`tandem demo did not start in 60 s:\n${log}`)), 60_000).unref();
  });
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return { base, stop: () => child.kill('SIGTERM') };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('tandem demo did not answer /healthz');
}

export async function launch() {
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/// A fresh browser context; CSP is bypassed only so the test can inject axe-core.
export async function newPage(browser) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

/// Runs axe-core for WCAG 2.1 A and AA and fails on any violation; saves a screenshot.
export async function check(page, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  assert.deepEqual(violations, [], `axe found violations on ${name} (${page.url()})`);
  return result.passes.length;
}

export async function signIn(page, base, email) {
  await page.goto(`${base}/signin`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin$/);
}
