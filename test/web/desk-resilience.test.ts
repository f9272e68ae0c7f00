/**
 * The desktop when things go wrong, in real Chromium against the real
 * server: the session ends mid-call (the call goes on, the desktop asks to
 * log in again over the page), the event socket's server restarts while an
 * offer rings out (state re-read, no ghost offer), and the keyboard: accept
 * with A, the shortcut list with ?. Also the account menu: the language
 * chosen in the header is kept on the server, and a password changed in
 * the dialog is the one that logs in next.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStreamNotice } from '../../media/supervision/supervision-notice.ts';
import { testPassword } from '../api-test-server.ts';
import {
  browserSkipReason,
  launchChromium,
  openPage,
  seriousAccessibilityFindings,
} from './browser.ts';
import { startDeskWorld, type DeskWorld } from './desk-world.ts';

let world: DeskWorld;
let browser: Browser;

beforeAll(async () => {
  if (browserSkipReason !== undefined) return;
  world = await startDeskWorld();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** What the page showed when a journey broke, under var/screenshots/ to look at. */
async function shootFailure(page: Page): Promise<void> {
  const name = (expect.getState().currentTestName ?? 'journey').replace(/\W+/g, '-').slice(-60);
  await page.screenshot({ path: `var/screenshots/failed-${name}.png` }).catch(() => undefined);
}

async function cookieOf(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * `journey` on an English desktop logged in as agent A and available: the
 * page's CSP violations and errors must stay none; a failure leaves a
 * screenshot; afterwards `cleanup`, then the agent is reset whatever happened.
 */
async function onAvailableDesk(
  journey: (page: Page) => Promise<void>,
  cleanup?: () => Promise<void>,
): Promise<void> {
  const { context, page, problems } = await availableDesk();
  try {
    await journey(page);
    expect(problems.errors).toEqual([]);
  } catch (error) {
    await shootFailure(page);
    throw error;
  } finally {
    await context.close();
    await cleanup?.();
    await world.resetAgent();
  }
}

/** An English desktop, logged in as agent A and available. */
async function availableDesk() {
  const opened = await openPage(browser, {
    locale: 'en',
    timezoneId: 'Europe/London',
    baseURL: world.t.url,
  });
  const { page } = opened;
  // Routing's clock is manual: the page's clock follows it, so timers read sensibly.
  await page.clock.setFixedTime(world.now());
  await page.goto('/login');
  await page.getByLabel('Email').fill(world.t.emails.agentA!);
  await page.getByLabel('Password').fill(testPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.sb-state').waitFor();
  await page.getByRole('button', { name: /Go available/ }).click();
  await expect.poll(async () => (await world.statusOf(page)).state).toBe('available');
  return opened;
}

describe.skipIf(browserSkipReason !== undefined)(
  `agent desktop under faults${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'keeps the call when the session ends mid-call and logs in again over the page',
      { timeout: 90_000 },
      async () => {
        await onAvailableDesk(async (page) => {
          await world.queueCaller();
          // The keyboard accepts: A.
          await page.getByRole('button', { name: /Accept/ }).waitFor();
          await page.keyboard.press('a');
          await expect.poll(async () => (await world.statusOf(page)).state).toBe('busy');
          await expect.poll(() => page.locator('.sb-state').textContent()).toContain('On a call');
          const cookie = await cookieOf(page);

          // The session ends elsewhere (expiry, or a log-out in another tab).
          expect((await world.t.request('post', '/auth/logout', { cookie })).status).toBe(204);
          const dialog = page.getByRole('dialog');
          await dialog.getByText('Your session ended. Your call continues').waitFor();
          // The call is untouched in routing, and the page still shows it under the dialog.
          expect((await world.t.routing.desk.status(world.t.a.agentId)).state).toBe('busy');
          await expect.poll(() => page.locator('.sb-tab').count()).toBe(1);
          expect(await seriousAccessibilityFindings(page)).toEqual([]);

          await dialog.getByLabel('Password').fill(testPassword);
          await dialog.getByRole('button', { name: 'Log in' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect((await world.statusOf(page)).state).toBe('busy');
          // The keyboard ends it: E.
          await page.keyboard.press('e');
          await expect.poll(async () => (await world.statusOf(page)).state).toBe('wrap-up');
        });
      },
    );

    it(
      're-reads its state after the event server restarts: an offer that rang out meanwhile leaves no ghost',
      { timeout: 90_000 },
      async () => {
        await onAvailableDesk(async (page) => {
          await world.queueCaller();
          await page.getByRole('button', { name: /Accept/ }).waitFor();
          await world.t.restartLive(async () => {
            // While the desktop's socket is down, the offer rings out.
            await page.getByText('Connection lost. Reconnecting…').waitFor();
            await world.ringOut();
          });
          await page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'hidden' });
          await expect.poll(() => page.getByRole('button', { name: /Accept/ }).count()).toBe(0);
          expect((await world.statusOf(page)).offers).toEqual([]);
          await expect
            .poll(() => page.locator('.sb-state').textContent())
            .toContain('Missed offer');
        });
      },
    );

    it(
      'is pushed, never polled: idle, it asks nothing; an offer, it re-reads',
      { timeout: 90_000 },
      async () => {
        await onAvailableDesk(async (page) => {
          const reads: string[] = [];
          page.on('request', (request) => {
            if (request.url().includes('/api/v1/agent/status')) reads.push(request.url());
          });
          await page.waitForTimeout(5_000);
          expect(reads).toEqual([]);
          await world.queueCaller();
          await page.getByRole('button', { name: /Accept/ }).waitFor();
          expect(reads.length).toBeGreaterThanOrEqual(1);
        });
      },
    );

    it(
      'accepts offers by itself once the agent turns auto-accept on',
      { timeout: 90_000 },
      async () => {
        await onAvailableDesk(
          async (page) => {
            await page.getByRole('button', { name: /Account/ }).click();
            await page.getByRole('menuitem', { name: 'Preferences' }).click();
            const dialog = page.getByRole('dialog', { name: 'Preferences' });
            await dialog.getByRole('switch', { name: 'Accept offers automatically' }).click();
            await dialog.getByRole('button', { name: 'Save' }).click();
            await dialog.waitFor({ state: 'hidden' });
            await world.queueCaller();
            // Event, re-read, accept: a few round trips, slow on a loaded CI machine.
            await expect
              .poll(async () => (await world.statusOf(page)).state, { timeout: 15_000 })
              .toBe('busy');
            await expect.poll(() => page.locator('.sb-tab').count()).toBe(1);
          },
          async () => {
            await world.t.db.db
              .updateTable('users')
              .set({ auto_accept: false })
              .where('id', '=', world.t.a.agentId)
              .execute();
          },
        );
      },
    );

    it('tells a user outside every queue how to get a desk', { timeout: 60_000 }, async () => {
      const { context, page, problems } = await openPage(browser, {
        locale: 'en',
        timezoneId: 'Europe/London',
        baseURL: world.t.url,
      });
      try {
        await page.goto('/login');
        await page.getByLabel('Email').fill(world.t.emails.supA!);
        await page.getByLabel('Password').fill(testPassword);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByText('You are not in any queue yet').waitFor();
        expect(await seriousAccessibilityFindings(page)).toEqual([]);
        expect(problems.errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(
      'names the supervisor listening or coaching on the call, as the voice layer tells it',
      { timeout: 90_000 },
      async () => {
        await onAvailableDesk(async (page) => {
          const { callId } = await world.queueCaller();
          await page.getByRole('button', { name: /Accept/ }).click();
          await expect.poll(async () => (await world.statusOf(page)).state).toBe('busy');
          // The voice layer's own writer of supervision changes (media/supervision).
          const tell = eventStreamNotice(world.t.routing.redisHandle.connect(), world.t.streamKey);
          const change = {
            callId,
            agentId: world.t.a.agentId,
            supervisorId: world.t.a.supervisorId,
            supervisorName: 'Sam Lee',
            via: 'api' as const,
            sourceAddress: null,
            at: world.now(),
          };
          await tell({ ...change, type: 'supervision.joined', mode: 'listen' });
          await page.getByText('Monitored by Sam Lee').waitFor();
          await tell({ ...change, type: 'supervision.mode-changed', mode: 'whisper' });
          await page.getByText('Coached by Sam Lee').waitFor();
          expect(await page.getByText('Monitored by Sam Lee').count()).toBe(0);
          await tell({ ...change, type: 'supervision.left', mode: 'whisper' });
          await page.getByText('Coached by Sam Lee').waitFor({ state: 'detached' });
        });
      },
    );

    it(
      'lists its shortcuts on ?, keeps the language on the server and changes the password',
      { timeout: 90_000 },
      async () => {
        const { context, page, problems } = await availableDesk();
        const newPassword = 'Blue kettle at noon 42';
        try {
          await page.keyboard.press('?');
          const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
          await help.getByText('Accept the ringing offer').waitFor();
          expect(await seriousAccessibilityFindings(page)).toEqual([]);
          await help.getByRole('button', { name: 'Close' }).first().click();
          await help.waitFor({ state: 'hidden' });

          await page.getByRole('combobox', { name: 'Language' }).click();
          await page.locator('.ant-select-item-option', { hasText: '简体中文' }).click();
          await page.getByText('工作列表').waitFor();
          const cookie = await cookieOf(page);
          await expect
            .poll(
              async () =>
                (
                  (await world.t.request('get', '/me/preferences', { cookie })).body as {
                    language: string;
                  }
                ).language,
            )
            .toBe('zh-CN');
          await page.reload();
          await page.getByText('工作列表').waitFor();

          await page.getByRole('button', { name: /账户/ }).click();
          await page.getByRole('menuitem', { name: '修改密码' }).click();
          const dialog = page.getByRole('dialog', { name: '修改密码' });
          await dialog.getByLabel('当前密码').fill(testPassword);
          await dialog.getByLabel('新密码', { exact: true }).fill(newPassword);
          await dialog.getByLabel('再次输入新密码').fill(newPassword);
          await dialog.getByRole('button', { name: '修改密码' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect(
            (
              await world.t.request('post', '/auth/login', {
                body: { email: world.t.emails.agentA, password: testPassword },
              })
            ).status,
          ).toBe(401);
          expect(
            (
              await world.t.request('post', '/auth/login', {
                body: { email: world.t.emails.agentA, password: newPassword },
              })
            ).status,
          ).toBe(200);
          expect(problems.errors).toEqual([]);
        } catch (error) {
          await shootFailure(page);
          throw error;
        } finally {
          await context.close();
          await world.t.db.db
            .updateTable('users')
            .set({
              password_hash: `test$${Buffer.from(testPassword).toString('base64')}`,
              language: null,
            })
            .where('id', '=', world.t.a.agentId)
            .execute();
          await world.resetAgent();
        }
      },
    );
  },
);
