// httpLookup against a real HTTP server on 127.0.0.1; no mocks. The step
// runs outside a flow here, so its own timeout is the only clock involved.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { systemCallClock } from '../call-clock.ts';
import type { CallSession } from '../call-session.ts';
import type { FlowContext } from '../flow-context.ts';
import { InMemoryAcd } from '../in-memory-acd.ts';
import { InMemoryVoicemailBox } from '../in-memory-voicemail-box.ts';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import { httpLookup } from './http-lookup.ts';
import type { StepContext } from './ivr-actor.ts';

let server: Server;
let base: string;
const seen: { method?: string; url?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, body });
      if (request.url?.startsWith('/slow')) return; // never answers
      if (request.url?.startsWith('/moved')) {
        response.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' });
        response.end();
        return;
      }
      if (request.url?.startsWith('/text')) {
        response.end('not json');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ account: { id: 7, tier: 'gold', tags: ['a'] }, items: [{ sku: 'x1' }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const flow: FlowContext = {
  call: { id: 'c1', callerNumber: '+1 555 123', dialedNumber: '+1800', tags: [] },
  vars: { base: '' },
  digits: '9&9',
  lastResult: null,
};

function step(plainHttpHosts: readonly string[] = ['127.0.0.1']): StepContext {
  return {
    session: {} as CallSession,
    acd: new InMemoryAcd({ clock: systemCallClock }),
    voicemail: new InMemoryVoicemailBox(new SequentialIdGenerator()),
    clock: systemCallClock,
    fetch: globalThis.fetch,
    plainHttpHosts,
    flow: { ...flow, vars: { base } },
    signal: new AbortController().signal,
    logger: createLogger({ level: 'silent' }),
    report: () => undefined,
    external: (work) => work,
    track: (work) => work,
  };
}

const params = (input: Record<string, unknown>) => httpLookup.params.parse(input);

describe('httpLookup', () => {
  it('maps JSON fields into variables and encodes caller input in the URL', async () => {
    const output = await httpLookup.run(
      params({
        url: '{{vars.base}}/accounts?phone={{call.callerNumber}}&d={{digits}}',
        map: {
          accountId: 'account.id',
          tier: 'account.tier',
          sku: 'items[0].sku',
          tags: 'account.tags',
          none: 'account.missing',
        },
      }),
      step(),
    );
    expect(output).toEqual({
      status: 'ok',
      variables: { accountId: 7, tier: 'gold', sku: 'x1', tags: null, none: null },
    });
    expect(seen.at(-1)?.url).toBe('/accounts?phone=%2B1%20555%20123&d=9%269');
  });

  it('posts a JSON body', async () => {
    await httpLookup.run(
      params({
        url: '{{vars.base}}/lookup',
        method: 'POST',
        body: { phone: '{{call.callerNumber}}', n: 1 },
      }),
      step(),
    );
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"phone":"+1 555 123","n":1}' });
  });

  it('fails rather than follow a redirect to an internal address', async () => {
    await expect(httpLookup.run(params({ url: '{{vars.base}}/moved' }), step())).rejects.toThrow(
      /refused a redirect to https:\/\/169\.254\.169\.254: 169\.254\.169\.254 is an internal address/,
    );
  });

  it('fails on a server that does not answer in time', async () => {
    await expect(
      httpLookup.run(params({ url: '{{vars.base}}/slow', timeoutSeconds: 0.2 }), step()),
    ).rejects.toThrow(/no answer within 0.2 s/);
  });

  it('fails on a body that is not JSON', async () => {
    await expect(httpLookup.run(params({ url: '{{vars.base}}/text' }), step())).rejects.toThrow(
      /did not answer with JSON/,
    );
  });

  it('refuses plain http to hosts not allowed, and needs https by default', async () => {
    await expect(httpLookup.run(params({ url: '{{vars.base}}/x' }), step([]))).rejects.toThrow(
      /refuses http:\/\/127\.0\.0\.1:\d+: use https/,
    );
    expect(httpLookup.params.safeParse({ url: 'ftp://example.com' }).success).toBe(false);
  });
});
