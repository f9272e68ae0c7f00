/**
 * Transfers and click-to-dial from the agent desktop, in real Chromium
 * against the real server (the live-call and click-to-dial twins stand in
 * for FreeSWITCH): the directory with colleagues' states and queues' waiting
 * counts, Transfer now to a colleague, Consult first to a number (ringing,
 * answered, completed, from the events the voice layer writes), back to the
 * caller, a refusal in words, and Call a number. The directory is
 * screenshotted in English and Chinese against committed references.
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

let world: DeskWorld;
let browser: Browser;
let sam: string;
let kim: string;

beforeAll(async () => {
  if (browserSkipReason !== undefined) return;
  world = await startDeskWorld();
  // Agent A's colleagues in queue A: one free to take a call, one at lunch.
  sam = (await world.addColleague('Sam Lee', 'available')).agentId;
  kim = (await world.addColleague('Kim Park', 'break')).agentId;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const words = {
  en: {
    email: 'Email',
    password: 'Password',
    logIn: 'Log in',
    goAvailable: /Go available/,
    accept: /Accept/,
    transfer: /\bTransfer$/,
  },
  'zh-CN': {
    email: '邮箱',
    password: '密码',
    logIn: '登录',
    goAvailable: /置为空闲/,
    accept: /接受/,
    transfer: /(^|\s)转接$/,
  },
} as const;

type Locale = keyof typeof words;

/** What the page showed when a journey broke, under var/screenshots/ to look at. */
async function shootFailure(page: Page): Promise<void> {
  const name = (expect.getState().currentTestName ?? 'journey').replace(/\W+/g, '-').slice(-60);
  await page.screenshot({ path: `var/screenshots/failed-${name}.png` }).catch(() => undefined);
}

/** Agent A logged in (in `locale`) and available; `journey` runs, then everything is reset. */
async function onDesk(
  locale: Locale,
  journey: (page: Page, problems: PageProblems) => Promise<void>,
): Promise<void> {
  const { context, page, problems } = await openPage(browser, {
    locale,
    timezoneId: locale === 'en' ? 'America/New_York' : 'Asia/Shanghai',
    baseURL: world.t.url,
  });
  const w = words[locale];
  try {
    await page.clock.setFixedTime(world.now());
    await page.goto('/login');
    await page.getByLabel(w.email).fill(world.t.emails.agentA!);
    await page.getByLabel(w.password).fill(testPassword);
    await page.getByRole('button', { name: w.logIn }).click();
    await page.locator('.sb-state').waitFor();
    await page.getByRole('button', { name: w.goAvailable }).click();
    await expect.poll(async () => (await world.statusOf(page)).state).toBe('available');
    await journey(page, problems);
    expect(problems.errors).toEqual([]);
  } catch (error) {
    await shootFailure(page);
    throw error;
  } finally {
    await context.close();
    await world.resetAgent();
  }
}

/** A caller accepted and bridged: the call agent A has in hand. */
async function callInHand(page: Page, locale: Locale): Promise<string> {
  const { callId } = await world.queueCaller();
  await page.getByRole('button', { name: words[locale].accept }).click();
  await expect.poll(async () => (await world.statusOf(page)).state).toBe('busy');
  await world.bridged(callId);
  await page.getByRole('button', { name: words[locale].transfer }).waitFor();
  return callId;
}

async function expectLooksRight(page: Page, name: string) {
  await page.mouse.move(1, 1);
  // The desk's clocks re-read the (frozen) time once a second.
  await page.waitForTimeout(1_200);
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const match = await compareScreenshot(name, shot);
  expect(match.share, `${name}: ${match.differingPixels} pixels differ`).toBeLessThanOrEqual(
    maxDifferingShare,
  );
}

describe.skipIf(browserSkipReason !== undefined)(
  `transfers and click-to-dial in Chromium${browserSkipReason ? ` (skipped: ${browserSkipReason})` : ''}`,
  () => {
    it(
      'lists colleagues and queues, and transfers the caller to a colleague now (en)',
      { timeout: 90_000 },
      async () => {
        await onDesk('en', async (page) => {
          const callId = await callInHand(page, 'en');
          await page.getByRole('button', { name: words.en.transfer }).click();
          const dialog = page.getByRole('dialog');
          const search = dialog.getByRole('combobox', { name: /Search agents/ });
          // The search box has the focus on open.
          await expect
            .poll(() => search.evaluate((el) => el === document.activeElement))
            .toBe(true);
          const samRow = dialog.getByRole('option', { name: /Sam Lee/ });
          const kimRow = dialog.getByRole('option', { name: /Kim Park/ });
          await samRow.waitFor();
          await kimRow.waitFor();
          expect(await kimRow.getAttribute('aria-disabled')).toBe('true');
          expect(await kimRow.textContent()).toContain("Can't take a transfer now");
          expect(await samRow.textContent()).toContain('Available');
          await dialog.getByRole('option', { name: /queue-a/ }).waitFor();
          await page.clock.setFixedTime(world.now() + 125_000);
          await expectLooksRight(page, 'transfer-directory-en');
          expect(await seriousAccessibilityFindings(page)).toEqual([]);

          // A queue offers Transfer now only.
          // The list follows the search once the typing settles.
          const listed = () => dialog.getByRole('option').allTextContents();
          await search.fill('queue');
          await expect.poll(listed).toEqual([expect.stringContaining('queue-a')]);
          await search.press('Enter');
          await dialog.getByText('Chosen: queue-a').waitFor();
          // A queue can be consulted too (its agent available longest) or handed over blind.
          expect(await dialog.getByRole('button', { name: 'Consult first' }).isDisabled()).toBe(
            false,
          );

          // Search a colleague; arrows and Enter choose; Transfer now.
          await search.fill('sam');
          await expect.poll(listed).toEqual([expect.stringContaining('Sam Lee')]);
          await search.press('ArrowDown');
          await search.press('ArrowUp');
          await search.press('Enter');
          await dialog.getByText('Chosen: Sam Lee').waitFor();
          expect(await samRow.getAttribute('aria-selected')).toBe('true');
          await dialog.getByRole('button', { name: /\bTransfer now\b/ }).click();
          await expect
            .poll(() => world.t.liveCalls.transfers.filter((x) => x.callId === callId))
            .toEqual([
              { callId, requestedBy: world.t.a.agentId, target: { kind: 'agent', agentId: sam } },
            ]);
          await dialog.waitFor({ state: 'hidden' });
          expect((await world.t.routing.desk.status(sam)).state).toBe('busy');
        });
      },
    );

    it(
      'says in Chinese why a colleague cannot take the call (409), with the directory',
      { timeout: 90_000 },
      async () => {
        await onDesk('zh-CN', async (page) => {
          const callId = await callInHand(page, 'zh-CN');
          await page.getByRole('button', { name: words['zh-CN'].transfer }).click();
          const dialog = page.getByRole('dialog');
          const samRow = dialog.getByRole('option', { name: /Sam Lee/ });
          await samRow.waitFor();
          await dialog.getByRole('option', { name: /Kim Park/ }).waitFor();
          await dialog.getByRole('option', { name: /queue-a/ }).waitFor();
          expect(await samRow.textContent()).toContain('空闲');
          await page.clock.setFixedTime(world.now() + 125_000);
          await expectLooksRight(page, 'transfer-directory-zh-CN');
          expect(await seriousAccessibilityFindings(page)).toEqual([]);

          await samRow.click();
          // Sam goes to lunch while the agent decides.
          await world.t.routing.desk.setState(sam, 'break', 'lunch');
          await dialog.getByRole('button', { name: /立即转接/ }).click();
          await dialog.getByRole('alert').getByText('该坐席正在小休。').waitFor();
          expect(world.t.liveCalls.transfers.filter((x) => x.callId === callId)).toEqual([]);
          expect(await seriousAccessibilityFindings(page)).toEqual([]);
        });
      },
    );

    it(
      'consults a number first: ringing, answered, then completes the transfer',
      { timeout: 90_000 },
      async () => {
        await onDesk('en', async (page) => {
          const callId = await callInHand(page, 'en');
          const number = '+15550001111';
          await page.getByRole('button', { name: words.en.transfer }).click();
          const dialog = page.getByRole('dialog');
          const search = dialog.getByRole('combobox', { name: /Search agents/ });
          await search.fill(number);
          await dialog.getByRole('option', { name: `Call this number: ${number}` }).waitFor();
          await search.press('Enter');
          await dialog.getByRole('button', { name: 'Consult first' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect(world.t.liveCalls.consultations.get(callId)).toEqual({
            target: { kind: 'number', number },
            state: 'ringing',
          });
          await world.consultation({
            type: 'consultation.ringing',
            callId,
            targetKind: 'number',
            number,
          });
          const banner = page.locator('.sb-consultation');
          await banner.getByText(`Consulting ${number} — ringing…`).waitFor();
          expect(
            await banner.getByRole('button', { name: /\bComplete transfer\b/ }).isDisabled(),
          ).toBe(true);

          // The number answers: the voice layer says so.
          world.t.liveCalls.answerConsultation(callId);
          await world.consultation({
            type: 'consultation.connected',
            callId,
            targetKind: 'number',
            number,
          });
          await banner.getByText(`Talking with ${number}; the caller is on hold`).waitFor();
          await page.mouse.move(1, 1);
          expect(await seriousAccessibilityFindings(page)).toEqual([]);
          await banner.getByRole('button', { name: /\bComplete transfer\b/ }).click();
          await expect
            .poll(() => world.t.liveCalls.consultations.get(callId)?.state)
            .toBe('completed');
          await page.getByText(`The caller was handed to ${number}`).waitFor();
          expect(world.t.liveCalls.transfers.filter((x) => x.callId === callId)).toEqual([
            { callId, requestedBy: world.t.a.agentId, target: { kind: 'number', number } },
          ]);
        });
      },
    );

    it(
      'consults a colleague and goes back to the caller; a consultation nobody answers says so',
      { timeout: 90_000 },
      async () => {
        await onDesk('en', async (page) => {
          const callId = await callInHand(page, 'en');
          await page.getByRole('button', { name: words.en.transfer }).click();
          const dialog = page.getByRole('dialog');
          await dialog.getByRole('option', { name: /Sam Lee/ }).click();
          await dialog.getByRole('button', { name: 'Consult first' }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect(world.t.liveCalls.consultations.get(callId)?.target).toEqual({
            kind: 'agent',
            agentId: sam,
          });
          const banner = page.locator('.sb-consultation');
          await banner.getByText('Consulting Sam Lee — ringing…').waitFor();
          await banner.getByRole('button', { name: /\bCancel \(back to caller\)/ }).click();
          await expect
            .poll(() => world.t.liveCalls.consultations.get(callId)?.state)
            .toBe('cancelled');
          await banner.waitFor({ state: 'hidden' });
          await expect
            .poll(async () => (await world.t.routing.desk.status(sam)).state)
            .not.toBe('busy');

          // Again to a number, which never answers: the voice layer gives up.
          await world.t.routing.desk.finishWrapUp(sam).catch(() => undefined);
          await page.getByRole('button', { name: words.en.transfer }).click();
          await dialog.getByRole('combobox', { name: /Search agents/ }).fill('+15550002222');
          await dialog.getByRole('option', { name: /Call this number/ }).click();
          await dialog.getByRole('button', { name: 'Consult first' }).click();
          await banner.getByText('Consulting +15550002222 — ringing…').waitFor();
          await world.t.liveCalls.cancelConsultation({ callId, requestedBy: 'voice' });
          await world.consultation({
            type: 'consultation.cancelled',
            callId,
            targetKind: 'number',
            number: '+15550002222',
            reason: 'no-answer',
          });
          await page
            .getByText('+15550002222 did not answer; you are back with the caller')
            .waitFor();
          await banner.waitFor({ state: 'hidden' });
          expect(kim).toBeDefined();
        });
      },
    );

    it(
      'calls a number: refusals in words, then the call as an outbound contact',
      { timeout: 90_000 },
      async () => {
        await onDesk('en', async (page) => {
          await page.getByRole('button', { name: /\bCall a number\b/ }).click();
          const dialog = page.getByRole('dialog');
          const field = dialog.getByLabel('Number');
          await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
          await field.fill('020 7123');
          await dialog.getByRole('button', { name: /^Call$/ }).click();
          await dialog.getByText('Enter an E.164 number such as +442071234567').waitFor();

          // No phone registered for agent A yet: 409, said in words.
          await field.fill('+44 20 7123 4567');
          await dialog.getByRole('button', { name: /^Call$/ }).click();
          await dialog
            .getByRole('alert')
            .getByText('You have no registered phone to call from')
            .waitFor();
          expect(world.t.clickToDial.calls.size).toBe(0);
          expect(await seriousAccessibilityFindings(page)).toEqual([]);

          world.t.clickToDial.register(world.t.a.agentId);
          await dialog.getByRole('button', { name: /^Call$/ }).click();
          await dialog.waitFor({ state: 'hidden' });
          expect([...world.t.clickToDial.calls.values()]).toEqual([
            { agentId: world.t.a.agentId, number: '+442071234567' },
          ]);
          // Routing lists the call as the agent's contact: an outbound call, not an empty queue.
          await page.locator('.sb-tab').getByText('Outbound call').waitFor();
          await page.locator('.sb-call-number', { hasText: '+442071234567' }).waitFor();

          // A second one while it lasts: refused, said in words.
          await page.getByRole('button', { name: /\bCall a number\b/ }).click();
          // The dialog open again (the field focused) before typing, as for the first call.
          await expect
            .poll(() => dialog.getByLabel('Number').evaluate((el) => el === document.activeElement))
            .toBe(true);
          await dialog.getByLabel('Number').fill('+442071234568');
          await dialog.getByRole('button', { name: /^Call$/ }).click();
          await dialog
            .getByRole('alert')
            .getByText('You already have a dialled call in progress.')
            .waitFor();
        });
      },
    );
  },
);
