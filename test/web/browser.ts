/**
 * Real headless Chromium (Debian's `chromium`, driven by playwright-core; never
 * a downloaded browser) for page tests: fixed viewport, locale, time zone and
 * a frozen clock, so screenshots compare across runs; axe-core injected for
 * accessibility; every CSP violation and page error collected.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why page tests cannot run here, or undefined when they can. */
export const browserSkipReason = existsSync(chromiumPath)
  ? undefined
  : `no Chromium at ${chromiumPath} (scripts/test.sh installs Debian's chromium; or set CHROMIUM_PATH)`;

export const viewport = { width: 1440, height: 900 } as const;

/**
 * Chromium with fake audio and video devices (a beeping microphone, fake
 * outputs). The microphone is allowed without a prompt unless
 * `microphonePrompt` is set: then the page gets the browser's own answer
 * (deny it with {@link denyMicrophone}).
 */
export function launchChromium(
  options: {
    microphonePrompt?: boolean;
    /**
     * WebRTC with a media server on this host (the real-server softphone
     * suite): loopback candidates allowed, real host addresses rather than
     * mDNS names FreeSWITCH cannot resolve.
     */
    webRtcOnLoopback?: boolean;
  } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
      '--disable-lcd-text',
      '--force-color-profile=srgb',
      ...(options.microphonePrompt === true ? [] : ['--use-fake-ui-for-media-stream']),
      '--use-fake-device-for-media-stream',
      ...(options.webRtcOnLoopback === true
        ? ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns']
        : []),
    ],
  });
}

/** The microphone denied to `origin` in the page's browser context, as a user blocking it would. */
export async function denyMicrophone(page: Page, origin: string): Promise<void> {
  const session = await page.context().newCDPSession(page);
  const { targetInfo } = await session.send('Target.getTargetInfo');
  const browserSession = await page.context().browser()!.newBrowserCDPSession();
  await browserSession.send('Browser.setPermission', {
    permission: { name: 'microphone' },
    setting: 'denied',
    origin,
    browserContextId: targetInfo.browserContextId,
  });
  await browserSession.detach();
  await session.detach();
}

export interface PageProblems {
  /** Content-Security-Policy violations and uncaught page errors. */
  readonly errors: string[];
}

/** A browser context as a user in `locale` and `timezoneId` has it. */
export async function openPage(
  browser: Browser,
  options: { locale: 'en' | 'zh-CN'; timezoneId: string; baseURL: string },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: options.locale,
    timezoneId: options.timezoneId,
    baseURL: options.baseURL,
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/.test(text)) problems.errors.push(text);
  });
  return { context, page, problems };
}

let axeSource: string | undefined;

export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * axe-core run in the page as it stands; only serious and critical
 * findings are returned. Injected with `evaluate` (DevTools), which the
 * page's CSP does not govern, so the policy under test stays as served.
 */
export async function seriousAccessibilityFindings(page: Page): Promise<AxeFinding[]> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  await page.evaluate(axeSource);
  const findings = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } })
      .axe;
    interface AxeResults {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: string[] }[];
      }[];
    }
    const results = await axe.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}
