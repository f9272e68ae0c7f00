// CRM answers read with limits, from a real HTTP server on 127.0.0.1; no mocks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import { systemCallClock } from '../call-clock.ts';
import type { CallSession } from '../call-session.ts';
import { InMemoryAcd } from '../in-memory-acd.ts';
import { InMemoryVoicemailBox } from '../in-memory-voicemail-box.ts';
import { httpLookup } from './http-lookup.ts';
import { readJsonAnswer } from './read-json-answer.ts';

const deep = '['.repeat(5000) + ']'.repeat(5000);
const answers: Record<string, { body: string; chunked?: boolean }> = {
  '/ok': { body: '{"account":{"tier":"gold"}}' },
  '/deep': { body: `{"account":${deep}}` },
  '/big': { body: `{"pad":"${'x'.repeat(300_000)}"}` },
  '/big-chunked': { body: `{"pad":"${'x'.repeat(300_000)}"}`, chunked: true },
  '/text': { body: 'not json' },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = answers[request.url ?? ''] ?? { body: '{}' };
    if (answer.chunked) {
      // No content-length: the size is only known by reading.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < answer.body.length; i += 16_384) {
        response.write(answer.body.slice(i, i + 16_384));
      }
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const read = async (path: string) => readJsonAnswer(await fetch(base + path), `GET ${path}`);

describe('readJsonAnswer', () => {
  it('parses an answer within the limits', async () => {
    await expect(read('/ok')).resolves.toEqual({ account: { tier: 'gold' } });
  });

  it('refuses an answer nested past the depth limit before parsing it', async () => {
    // Level 65 is the 64th '[' after '{"account":' (11 columns).
    await expect(read('/deep')).rejects.toMatchObject({
      code: 'unavailable',
      message:
        'httpLookup GET /deep: the answer is nested more than 64 levels deep; at most 64 are accepted (line 1, column 75)',
    });
  });

  it('refuses an answer over the size limit, declared or not', async () => {
    for (const path of ['/big', '/big-chunked']) {
      await expect(read(path)).rejects.toMatchObject({
        code: 'unavailable',
        message: `httpLookup GET ${path}: the answer is over 262,144 bytes; at most 262,144 are read`,
      });
    }
  });

  it('refuses an answer that is not JSON', async () => {
    await expect(read('/text')).rejects.toThrow('httpLookup GET /text did not answer with JSON');
  });

  it('fails the httpLookup step on a deep answer, so the flow takes onError', async () => {
    const step = {
      session: {} as CallSession,
      acd: new InMemoryAcd({ clock: systemCallClock }),
      voicemail: new InMemoryVoicemailBox(new SequentialIdGenerator()),
      clock: systemCallClock,
      fetch: globalThis.fetch,
      plainHttpHosts: ['127.0.0.1'],
      flow: {
        call: { id: 'c1', callerNumber: '+1', dialedNumber: '+2', tags: [] },
        vars: { base },
        digits: '',
        lastResult: null,
      },
      signal: new AbortController().signal,
      logger: createLogger({ level: 'silent' }),
      report: () => undefined,
      external: <T>(work: Promise<T>) => work,
      track: <T>(work: Promise<T>) => work,
    };
    const params = httpLookup.params.parse({ url: '{{vars.base}}/deep', map: { tier: 'account' } });
    await expect(httpLookup.run(params, step)).rejects.toThrow(/nested more than 64 levels deep/);
  });
});
