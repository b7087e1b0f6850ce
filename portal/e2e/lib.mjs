// What every browser test shares: chromium through playwright-core, the
// API, checks, console errors and requests leaving the origin.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const base = process.argv[2];
if (!base) throw new Error('usage: node FILE.test.mjs BASE_URL');
// SCREENSHOTS_DIR: where screenshots go (CI writes them outside the clone;
// by default they refresh the README's, which are tracked).
export const shots = process.env.SCREENSHOTS_DIR || join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
mkdirSync(shots, { recursive: true });

let failures = 0;
export const fail = (msg) => { failures++; console.log('FAIL', msg); };
export const ok = (msg) => console.log('ok  ', msg);
export const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

export async function api(query, variables) {
  const r = await fetch(base + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const j = await r.json();
  if (j.errors) throw new Error(JSON.stringify(j.errors));
  return j.data;
}

/**
 * Waits until the figures of the admin's writes are current. A write is
 * acknowledged before its figures are recomputed; the writer's next query
 * (with its token) waits for them, so after this every reader sees them.
 */
export async function settled() {
  const r = await fetch(base + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.E2E_ADMIN_TOKEN },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await r.json();
}

/** A browser page that records console errors, failed responses and requests to other origins. */
export async function open(viewport = { width: 1000, height: 820 }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true });
  const origin = new URL(base).origin;
  const foreign = [];
  const errors = [];
  context.on('request', (req) => { const u = req.url(); if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u); });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  const idle = () => page.waitForFunction(() => document.querySelector('main') && document.querySelector('main').getAttribute('aria-busy') !== 'true');
  const finish = async () => {
    check(errors.length === 0, `no console errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
    check(foreign.length === 0, `no request leaves ${origin}${foreign.length ? ': ' + foreign.join(', ') : ''}`);
    await browser.close();
    console.log(failures ? `${failures} failed` : 'all passed');
    process.exit(failures ? 1 : 0);
  };
  return { browser, context, page, idle, finish, errors };
}
