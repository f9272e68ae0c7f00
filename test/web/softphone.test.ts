/**
 * The browser softphone in real headless Chromium against the real API
 * server: not set up, a SIP server that cannot be reached (offline, and it
 * keeps retrying), the microphone blocked (the actionable message and
 * Retry), and the settings dialog (Chromium's fake devices listed, the
 * microphone level moving, no serious accessibility finding).
 * Two worlds: one without SIP_WS_URI (not set up), one whose SIP_WS_URI is
 * a port nothing listens on (the SIP server is down). The desktop asks the
 * real `POST /api/v1/me/softphone` in both.
 */
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPassword } from '../api-test-server.ts';
import {
  browserSkipReason,
  denyMicrophone,
  launchChromium,
  openPage,
  seriousAccessibilityFindings,
} from './browser.ts';
import { startDeskWorld, type DeskWorld } from './desk-world.ts';

let world: DeskWorld;
let unreachable: DeskWorld;
let wsServer: string;
let browser: Browser;
let promptingBrowser: Browser;

beforeAll(async () => {
  if (browserSkipReason !== undefined) return;
  wsServer = `ws://127.0.0.1:${await closedPort()}`;
  [world, unreachable] = await Promise.all([
    startDeskWorld(),
    startDeskWorld({
      softphone: { realm: 'switchboard.test', webSocketUris: [wsServer], iceServerUrls: [] },
    }),
  ]);
  browser = await launchChromium();
  promptingBrowser = await launchChromium({ microphonePrompt: true });
});

afterAll(async () => {
  await browser?.close();
  await promptingBrowser?.close();
  await world?.close();
  await unreachable?.close();
});

/** A TCP port nothing listens on: the SIP server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Agent A's English desktop in `on` (whose SIP_WS_URI decides the phone). */
async function deskWith(on: DeskWorld, from: Browser = browser) {
  return openPage(from, { locale: 'en', timezoneId: 'Europe/London', baseURL: on.t.url });
}

async function logIn(page: Page, on: DeskWorld): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(on.t.emails.agentA!);
  await page.getByLabel('Password').fill(testPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.sb-state').waitFor();
}

/** The header's word for the phone (a status region inside the indicator button). */
const phoneStatus = (page: Page) => page.locator('.sb-softphone [role="status"]');

describe.skipIf(browserSkipReason !== undefined)(
  `browser softphone${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it('says in the header when the browser phone is not set up', { timeout: 60_000 }, async () => {
      const { context, page, problems } = await deskWith(world);
      try {
        await logIn(page, world);
        await expect.poll(() => phoneStatus(page).textContent()).toBe('Browser phone not set up');
        await page.getByRole('button', { name: /Browser phone settings/ }).click();
        const dialog = page.getByRole('dialog', { name: 'Browser phone' });
        await dialog.getByText('Calls ring your desk phone').waitFor();
        expect(await dialog.getByRole('combobox').count()).toBe(0);
        expect(problems.errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(
      'shows the phone offline while the SIP server cannot be reached, and keeps retrying',
      { timeout: 60_000 },
      async () => {
        const { context, page, problems } = await deskWith(unreachable);
        try {
          await logIn(page, unreachable);
          await expect
            .poll(() => phoneStatus(page).textContent(), { timeout: 15_000 })
            .toBe('Phone offline, reconnecting…');
          await page.getByRole('button', { name: /Browser phone settings/ }).click();
          const dialog = page.getByRole('dialog', { name: 'Browser phone' });
          // The page's CSP lets it try (SIP_WS_URI is in connect-src); the port refuses.
          await dialog.getByText(/cannot be reached.*\(attempt 1\)/).waitFor();
          // Backoff: 2 s (less up to a fifth), then 4 s; the attempt count shows each retry.
          await dialog.getByText(/\(attempt 2\)/).waitFor({ timeout: 10_000 });
          await dialog.getByText(/\(attempt 3\)/).waitFor({ timeout: 15_000 });
          // Retry starts over at once.
          await dialog.getByRole('button', { name: 'Retry' }).click();
          await dialog.getByText(/\(attempt 1\)/).waitFor();
          // The credential never reaches the page's text.
          const { authorizationHa1 } = (
            await unreachable.t.request('post', '/me/softphone', {
              cookie: await unreachable.t.login(unreachable.t.emails.agentA!),
            })
          ).body as { authorizationHa1: string };
          expect(authorizationHa1).toMatch(/^[0-9a-f]{32}$/);
          expect(await page.content()).not.toContain(authorizationHa1);
          expect(problems.errors).toEqual([]);
        } finally {
          await context.close();
        }
      },
    );

    it(
      'says the browser blocks the microphone, and how to fix it, with Retry',
      { timeout: 60_000 },
      async () => {
        const { context, page, problems } = await deskWith(unreachable, promptingBrowser);
        try {
          await denyMicrophone(page, unreachable.t.url);
          await logIn(page, unreachable);
          await expect.poll(() => phoneStatus(page).textContent()).toBe('Microphone blocked');
          const banner = page.locator('.sb-softphone-bar [role="alert"]');
          await expect
            .poll(() => banner.textContent())
            .toContain('Your browser blocks the microphone: allow it for this site, then retry.');
          // Retry asks again; still blocked, it says so again (and nothing registered meanwhile).
          await banner.getByRole('button', { name: 'Retry' }).click();
          await expect.poll(() => phoneStatus(page).textContent()).toBe('Microphone blocked');
          await page.getByRole('button', { name: /Browser phone settings/ }).click();
          const dialog = page.getByRole('dialog', { name: 'Browser phone' });
          await dialog.getByText('No level while the microphone is blocked.').waitFor();
          expect(problems.errors).toEqual([]);
        } finally {
          await context.close();
        }
      },
    );

    it(
      "lists the browser's devices, shows the microphone level moving, and passes axe",
      { timeout: 60_000 },
      async () => {
        const { context, page, problems } = await deskWith(unreachable);
        try {
          await logIn(page, unreachable);
          await expect.poll(() => phoneStatus(page).textContent()).not.toBe('Phone…');
          await page.getByRole('button', { name: /Browser phone settings/ }).click();
          const dialog = page.getByRole('dialog', { name: 'Browser phone' });
          await dialog.getByText('Microphone level').first().waitFor();

          // Chromium's fake microphone beeps: the meter moves.
          const meter = dialog.getByRole('meter', { name: 'Microphone level' });
          const levels = new Set<string>();
          await expect
            .poll(
              async () => {
                levels.add((await meter.getAttribute('aria-valuenow')) ?? '');
                return [...levels].filter((level) => Number(level) > 0).length;
              },
              { timeout: 10_000, interval: 100 },
            )
            .toBeGreaterThan(1);
          expect(await meter.getAttribute('aria-valuemin')).toBe('0');
          expect(await meter.getAttribute('aria-valuemax')).toBe('100');

          expect(await seriousAccessibilityFindings(page)).toEqual([]);

          // The fake devices, by their labels (the microphone is allowed, so labels are there).
          await dialog.getByLabel('Microphone', { exact: true }).click();
          const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
          await expect.poll(() => options.allTextContents()).toContain('Fake Audio Input 1');
          await page.keyboard.press('Escape');
          await dialog.getByRole('button', { name: 'Test ring' }).click();
          expect(problems.errors).toEqual([]);
        } finally {
          await context.close();
        }
      },
    );
  },
);
