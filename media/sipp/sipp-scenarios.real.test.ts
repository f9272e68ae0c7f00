/**
 * SIP end to end with sipp (Debian `sip-tester`) against a running
 * Switchboard behind a real drachtio-server and FreeSWITCH. Nothing is
 * stood in for. Runs only with SWITCHBOARD_REAL_SIP=1, `sipp` on PATH and:
 *   SIPP_TARGET         drachtio's SIP address, e.g. 127.0.0.1:5060
 *   SIPP_IVR_DID        a number whose published flow answers with a menu
 *   SIPP_AGENT_USER     an agent's SIP username, SIPP_AGENT_PASSWORD its password
 *   SIPP_AGENT_DID      (optional) a number whose flow queues to a queue that
 *                       agent is logged in to, for the agent-answers scenario
 * See media/README.md.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

async function sippOnPath(): Promise<boolean> {
  return run('sipp', ['-v']).then(
    () => true,
    (error: { code?: unknown }) => error.code !== 'ENOENT',
  );
}

const skipReason =
  env.SWITCHBOARD_REAL_SIP !== '1'
    ? 'SWITCHBOARD_REAL_SIP is not 1, so no real drachtio-server/FreeSWITCH is used (see media/README.md)'
    : !env.SIPP_TARGET || !env.SIPP_IVR_DID || !env.SIPP_AGENT_USER || !env.SIPP_AGENT_PASSWORD
      ? 'SIPP_TARGET, SIPP_IVR_DID, SIPP_AGENT_USER and SIPP_AGENT_PASSWORD must be set'
      : !(await sippOnPath())
        ? 'sipp is not installed (apt-get install sip-tester)'
        : undefined;
if (skipReason !== undefined) console.info(`sipp scenarios skipped: ${skipReason}`);

/** Runs one scenario to completion; resolves with sipp's exit code (0: every call succeeded). */
async function sipp(scenario: string, args: readonly string[]): Promise<number> {
  const child = spawn(
    'sipp',
    [
      '-sf',
      path.join(here, scenario),
      '-m',
      '1',
      '-timeout',
      '60s',
      '-timeout_error',
      '-bg',
      ...args,
    ],
    { stdio: 'ignore' },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? -1;
}

describe.skipIf(skipReason !== undefined)(
  `sipp scenarios${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    const target = env.SIPP_TARGET ?? '';
    const user = env.SIPP_AGENT_USER ?? '';

    it('registers an agent phone with digest', async () => {
      expect(
        await sipp('uac-register-digest.xml', [
          '-s',
          user,
          '-au',
          user,
          '-ap',
          env.SIPP_AGENT_PASSWORD ?? '',
          target,
        ]),
      ).toBe(0);
    });

    it('refuses a wrong password', async () => {
      expect(
        await sipp('uac-register-digest.xml', ['-s', user, '-au', user, '-ap', 'wrong', target]),
      ).not.toBe(0);
    });

    it('answers an inbound call with the IVR and takes a key', async () => {
      expect(await sipp('uac-inbound-ivr.xml', ['-s', env.SIPP_IVR_DID ?? '', target])).toBe(0);
    });

    it.skipIf(!env.SIPP_AGENT_DID)('rings the registered agent, who answers', async () => {
      const port = '5070';
      expect(
        await sipp('uac-register-digest.xml', [
          '-p',
          port,
          '-s',
          user,
          '-au',
          user,
          '-ap',
          env.SIPP_AGENT_PASSWORD ?? '',
          target,
        ]),
      ).toBe(0);
      const agent = sipp('uas-agent-answers.xml', ['-p', port]);
      expect(await sipp('uac-inbound-ivr.xml', ['-s', env.SIPP_AGENT_DID ?? '', target])).toBe(0);
      expect(await agent).toBe(0);
    });
  },
);
