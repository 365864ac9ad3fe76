/**
 * The browser-test harness: Debian's Chromium driven by playwright-core against a real server
 * (fresh SQLite store + demo data) that serves the built app. RATCHET_SCREENSHOTS=1 also writes
 * docs/screenshots/*.png at 1366x768.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer } from '../../src/api/test-server.js';
import type { TestServer } from '../../src/api/test-server.js';

const WEB = resolve('src/web');
const DIST = join(WEB, 'dist');
const CHROMIUM = process.env.RATCHET_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or null. Without Chromium they skip with this reason on a
 * developer's machine; under CI=true (where .ci/run installs it) a missing browser fails the suite.
 */
export const BROWSER_MISSING: string | null = existsSync(CHROMIUM)
  ? null
  : `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set RATCHET_CHROMIUM`;
if (BROWSER_MISSING !== null) {
  if (process.env['CI'] === 'true')
    throw new Error(`The browser tests need Chromium (CI=true). ${BROWSER_MISSING}.`);
  console.warn(`Skipping the browser tests: ${BROWSER_MISSING}.`);
}
const SCREENSHOTS = process.env.RATCHET_SCREENSHOTS === '1' ? resolve('docs/screenshots') : null;
const VIEWPORT = { width: 1366, height: 768 };

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard when dist/ is missing or older than its sources. */
async function ensureBuilt(): Promise<void> {
  const index = join(DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(WEB)) return;
  const { build } = await import('vite');
  await build({ root: WEB, logLevel: 'warn' });
}

export interface Dashboard {
  server: TestServer;
  /** Content-Security-Policy violations any page reported. */
  cspViolations: string[];
  /** A fresh browser context at `path`, signed in with `token` (null: stay on the sign-in page). */
  openAs(token: string | null, path?: string): Promise<Page>;
  /** At 1366x768; `fullPage` for pages whose point is below the fold. */
  screenshot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function logIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** Starts the server (demo data) now; `launch` builds the app if needed and starts Chromium. */
export async function startDashboard(): Promise<Dashboard & { launch(): Promise<void> }> {
  const server = await startTestServer();
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  let browser: Browser | undefined;

  return {
    server,
    cspViolations,
    async launch() {
      if (BROWSER_MISSING !== null) return; // Every test of the file is skipped.
      await ensureBuilt();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    },
    async openAs(token, path = '/') {
      if (!browser) throw new Error('Call launch() (in beforeAll) before openAs().');
      const context = await browser.newContext({ viewport: VIEWPORT });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
          cspViolations.push(message.text());
        }
      });
      await page.goto(`${server.url}${path}`);
      if (token !== null) await logIn(page, token);
      return page;
    },
    async screenshot(page, name, fullPage = false) {
      if (!SCREENSHOTS) return;
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close();
      await server.close();
    },
  };
}
