/**
 * The agent desktop as an agent uses it, in real Chromium against the real
 * server: log in, go available, an offer from the real ACD with the caller's
 * 360 view, accept, wrap up with notes, reject, a missed offer and the way
 * back, log out; in English and in Simplified Chinese. Each state is
 * screenshotted (1440x900, frozen clock, fixed time zone) against committed
 * references and checked with axe-core.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPassword } from '../api-test-server.ts';
import {
  browserSkipReason,
  launchChromium,
  openPage,
  seriousAccessibilityFindings,
  type PageProblems,
} from './browser.ts';
import { startDeskWorld, type DeskWorld } from './desk-world.ts';
import { compareScreenshot, maxDifferingShare } from './screenshot-match.ts';

const locales = [
  {
    locale: 'en',
    timezoneId: 'America/New_York',
    words: {
      logIn: 'Log in',
      available: 'Available',
      accept: 'Accept',
      mute: /\bMute\b/,
      muted: 'Muted',
      resume: /\bResume\b/,
      dialpad: 'Dialpad',
      done: 'Done',
      reject: 'Reject',
      missed: 'Missed offer',
      back: 'Back to available',
      wrapUp: 'Wrap-up',
      onCall: 'On a call',
      codeRequired: 'Choose a disposition for this queue',
      disposition: 'Disposition',
      resolved: 'Resolved',
    },
  },
  {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    words: {
      logIn: '登录',
      available: '空闲',
      accept: '接受',
      mute: /(^|\s)静音/,
      muted: '已静音',
      resume: /(^|\s)恢复通话/,
      dialpad: '拨号盘',
      done: '完成',
      reject: '拒绝',
      missed: '未接分配',
      back: '恢复空闲',
      wrapUp: '话后处理',
      onCall: '通话中',
      codeRequired: '该队列要求选择处理结果',
      disposition: '处理结果',
      resolved: '已解决',
    },
  },
] as const;

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

async function expectLooksRight(page: Page, name: string, problems: PageProblems) {
  // The desk's clocks re-read the (frozen) time once a second.
  await page.waitForTimeout(1_200);
  // Toasts ("wrap-up saved") come and go on their own timer: not part of the
  // picture. Hidden through the DOM (a <style> would be refused by the CSP).
  await page.evaluate(() =>
    document.querySelectorAll<HTMLElement>('.ant-message').forEach((toasts) => {
      toasts.style.display = 'none';
    }),
  );
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const match = await compareScreenshot(name, shot);
  expect(match.share, `${name}: ${match.differingPixels} pixels differ`).toBeLessThanOrEqual(
    maxDifferingShare,
  );
  expect(await seriousAccessibilityFindings(page), name).toEqual([]);
  expect(problems.errors, name).toEqual([]);
}

describe.skipIf(browserSkipReason !== undefined)(
  `agent desktop in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    for (const { locale, timezoneId, words } of locales) {
      it(
        `takes a call from log-in to wrap-up, rejects one, misses one and logs out (${locale})`,
        { timeout: 120_000 },
        async () => {
          const { context, page, problems } = await openPage(browser, {
            locale,
            timezoneId,
            baseURL: world.t.url,
          });
          try {
            await page.clock.setFixedTime(world.now());
            await page.goto('/desk');
            await expect.poll(() => page.url()).toContain('/login?next=%2Fdesk');
            await page.getByRole('heading', { level: 1 }).waitFor();
            await expectLooksRight(page, `login-${locale}`, problems);

            await page.getByLabel(locale === 'en' ? 'Email' : '邮箱').fill(world.t.emails.agentA!);
            await page.getByLabel(locale === 'en' ? 'Password' : '密码').fill(testPassword);
            await page.getByRole('button', { name: words.logIn }).click();
            await expect.poll(() => page.url()).toContain('/desk');
            const stateButton = page.locator('.sb-state');
            await stateButton.waitFor();
            await expectLooksRight(page, `desk-offline-${locale}`, problems);

            await stateButton.click();
            await page
              .getByRole('menuitem', { name: locale === 'en' ? 'Go available' : '置为空闲' })
              .click();
            await expect.poll(async () => (await world.statusOf(page)).state).toBe('available');
            await expect.poll(() => stateButton.textContent()).toContain(words.available);

            // A caller reaches the queue: the offer rings on the desktop, with the 360 view.
            const { callId } = await world.queueCaller();
            const accept = page.getByRole('button', { name: new RegExp(words.accept) });
            await accept.waitFor();
            await page.getByText('Customer A').first().waitFor();
            await page.clock.setFixedTime(world.now() + 4_000);
            await expectLooksRight(page, `desk-offer-${locale}`, problems);

            await accept.click();
            await expect.poll(async () => (await world.statusOf(page)).state).toBe('busy');
            await world.bridged(callId);
            await expect.poll(() => stateButton.textContent()).toContain(words.onCall);
            // Mute by click, hold by key (the customer hears music), keys from the dialpad.
            await page.getByRole('button', { name: words.mute }).click();
            await expect.poll(() => world.t.liveCalls.muted.has(callId)).toBe(true);
            await page.getByText(words.muted, { exact: true }).waitFor();
            await page.keyboard.press('h');
            await expect.poll(() => world.t.liveCalls.held.has(callId)).toBe(true);
            await page.getByRole('button', { name: words.resume }).waitFor();
            await page.getByRole('button', { name: words.dialpad }).click();
            await page
              .getByRole('group', { name: words.dialpad })
              .getByRole('button', { name: '5' })
              .click();
            await page.keyboard.press('#');
            await expect
              .poll(() =>
                world.t.liveCalls.sentDigits
                  .filter((sent) => sent.callId === callId)
                  .map((sent) => sent.digits)
                  .join(''),
              )
              .toBe('5#');
            await page.getByRole('button', { name: words.dialpad }).click();
            // The pointer and focus off the buttons: the reference shows them at rest.
            await page.mouse.move(1, 1);
            await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
            await page.clock.setFixedTime(world.now() + 65_000);
            await expectLooksRight(page, `desk-on-call-${locale}`, problems);
            // Both keys at once: neither is lost while the other is on its way.
            await page.keyboard.press('h');
            await page.keyboard.press('m');
            await expect
              .poll(() => world.t.liveCalls.held.has(callId) || world.t.liveCalls.muted.has(callId))
              .toBe(false);

            // The customer's last call was recorded: the agent plays it from the 360 view.
            await page
              .getByRole('button', { name: locale === 'en' ? /Play recording/ : /播放录音/ })
              .click();
            const player = page.getByLabel(locale === 'en' ? 'Recording' : '录音', { exact: true });
            await player.waitFor();
            expect(await player.getAttribute('src')).toContain(world.t.a.recordingId);
            await expect
              .poll(() =>
                world.t.db.db
                  .selectFrom('audit_log')
                  .select('target_id')
                  .where('action', '=', 'recording.access')
                  .where('target_id', '=', world.t.a.recordingId)
                  .execute()
                  .then((rows) => rows.length),
              )
              .toBeGreaterThan(0);

            await page
              .getByRole('button', {
                name: locale === 'en' ? 'End and wrap up' : '结束并进入话后处理',
              })
              .click();
            await expect.poll(async () => (await world.statusOf(page)).state).toBe('wrap-up');
            // End hung the call up too (a desk phone's, through the server).
            expect(world.t.liveCalls.agentHangUps).toContain(callId);
            const notes = page.getByLabel(locale === 'en' ? 'Notes' : '备注');
            await notes.waitFor();
            await notes.fill(
              locale === 'en' ? 'Reset the router; called back tomorrow' : '已重启路由器，明天回访',
            );
            // The queue requires a disposition: Done without one says so and keeps the notes.
            await page.getByRole('button', { name: words.done }).click();
            await page.getByText(words.codeRequired).waitFor();
            await page.getByRole('combobox', { name: words.disposition }).click();
            // antd lists options twice: a hidden list for screen readers and the visible one.
            await page.locator('.ant-select-item-option', { hasText: words.resolved }).click();
            await page.clock.setFixedTime(world.now() + 15_000);
            await expectLooksRight(page, `desk-wrap-up-${locale}`, problems);
            await page.getByRole('button', { name: words.done }).click();
            await expect.poll(async () => (await world.statusOf(page)).state).toBe('available');
            const stored = await world.t.db.db
              .selectFrom('calls')
              .select(['wrap_up_code', 'wrap_up_notes'])
              .where('id', '=', callId)
              .executeTakeFirstOrThrow();
            expect(stored.wrap_up_code).toBe('resolved');
            expect(stored.wrap_up_notes).toContain(
              locale === 'en' ? 'Reset the router' : '已重启路由器',
            );

            // Reject: that offer goes away.
            await world.queueCaller();
            await page.getByRole('button', { name: new RegExp(words.reject) }).waitFor();
            const rejected = (await world.statusOf(page)).offers[0]!.offerId;
            await page.getByRole('button', { name: new RegExp(words.reject) }).click();
            await expect
              .poll(async () =>
                (await world.statusOf(page)).offers.some((o) => o.offerId === rejected),
              )
              .toBe(false);

            // Missed: an offer (the rejected caller again, or a new one) rings out.
            if ((await world.statusOf(page)).offers.length === 0) await world.queueCaller();
            await page.getByRole('button', { name: new RegExp(words.accept) }).waitFor();
            await world.ringOut();
            await expect
              .poll(async () => (await world.statusOf(page)).reason)
              .toBe('missed-offers');
            await expect.poll(() => stateButton.textContent()).toContain(words.missed);
            await expectLooksRight(page, `desk-missed-${locale}`, problems);
            await world.clearQueue();
            await page.getByRole('button', { name: words.back }).click();
            await expect.poll(async () => (await world.statusOf(page)).state).toBe('available');

            // Log out: back to the log-in page, and the desk needs a session again.
            await page
              .getByRole('button', { name: new RegExp(locale === 'en' ? 'Account' : '账户') })
              .click();
            await page
              .getByRole('menuitem', { name: locale === 'en' ? 'Log out' : '退出登录' })
              .click();
            await expect.poll(() => page.url()).toContain('/login');
            const me = await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.status));
            expect(me).toBe(401);
          } catch (error) {
            // What the page showed when the journey broke, to look at.
            await page
              .screenshot({ path: `var/screenshots/failed-${locale}.png` })
              .catch(() => undefined);
            throw error;
          } finally {
            await context.close();
            await world.t.routing.desk.logOut(world.t.a.agentId).catch(() => undefined);
          }
        },
      );
    }
  },
);
