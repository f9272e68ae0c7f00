import { z } from 'zod';
import { SwitchboardError } from '../../platform/switchboard-error.ts';
import type { FlowValue } from '../flow-context.ts';
import { interpolate, interpolateUrl } from '../template.ts';
import { fetchWithRedirectPolicy } from './redirect-policy.ts';
import type { IvrActor } from './ivr-actor.ts';
import { readJsonAnswer } from './read-json-answer.ts';
import { seconds, variableName } from './step-params.ts';

const jsonPath = z
  .string()
  .regex(
    /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d+\])*$/,
    'must be a path like account.tier or items[0].id',
  );

const httpLookupParams = z.strictObject({
  /** The endpoint; placeholders are URL-encoded, e.g. `https://crm.example.com/a?phone={{call.callerNumber}}`. */
  url: z
    .string()
    .regex(/^(https?:\/\/|\{\{)/, 'must start with https:// (or a {{vars...}} base URL)'),
  method: z.enum(['GET', 'POST']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  /** JSON body for POST; string values may use placeholders. */
  body: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  timeoutSeconds: seconds(3, 15),
  /** Flow variable to JSON path in the response, e.g. `{ "tier": "account.tier" }`. */
  map: z.record(variableName, jsonPath).default({}),
});

/**
 * Calls an HTTPS endpoint and copies fields of its JSON answer into flow
 * variables (missing fields become null). Result: `ok`. A network error,
 * timeout, non-2xx status, non-JSON body, or an answer too large or nested
 * too deep (read-json-answer.ts) fails the step: take `onError`.
 * Plain http is refused except for hosts the runtime allows (loopback by default).
 * Redirects are followed only to where the lookup could have gone itself
 * (redirect-policy.ts): https, and no internal address.
 */
export const httpLookup: IvrActor<typeof httpLookupParams> = {
  name: 'httpLookup',
  params: httpLookupParams,
  results: ['ok'],
  async run(params, step) {
    const address = interpolateUrl(params.url, step.flow);
    if (!URL.canParse(address))
      throw new SwitchboardError('validation_failed', `httpLookup: "${address}" is not a URL`);
    const url = new URL(address);
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && step.plainHttpHosts.includes(url.hostname))
    ) {
      throw new SwitchboardError(
        'forbidden',
        `httpLookup refuses ${url.protocol}//${url.host}: use https`,
      );
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [name, value] of Object.entries(params.headers)) {
      headers[name] = interpolate(value, step.flow);
    }
    let body: string | undefined;
    if (params.method === 'POST') {
      headers['content-type'] = 'application/json';
      const values = Object.entries(params.body ?? {}).map(([name, value]) => [
        name,
        typeof value === 'string' ? interpolate(value, step.flow) : value,
      ]);
      body = JSON.stringify(Object.fromEntries(values));
    }
    // The network is real even in a simulation, so its deadline is real time too.
    const signal = AbortSignal.any([
      step.signal,
      AbortSignal.timeout(params.timeoutSeconds * 1000),
    ]);
    const where = `${params.method} ${url.origin}${url.pathname}`;
    const json = await step.external(
      (async () => {
        let response: Response;
        try {
          response = await fetchWithRedirectPolicy(
            step.fetch,
            url,
            { method: params.method, headers, body, signal },
            { plainHttpHosts: step.plainHttpHosts },
          );
        } catch (error) {
          const reason =
            signal.aborted && !step.signal.aborted
              ? `no answer within ${params.timeoutSeconds} s`
              : String(error);
          throw new SwitchboardError('unavailable', `httpLookup ${where} failed: ${reason}`);
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new SwitchboardError(
            'unavailable',
            `httpLookup ${where} answered HTTP ${response.status}`,
          );
        }
        return readJsonAnswer(response, where);
      })(),
    );
    const variables: Record<string, FlowValue> = {};
    for (const [name, path] of Object.entries(params.map)) variables[name] = pick(json, path);
    return { status: 'ok', variables };
  },
};

/** Follows `a.b[0].c` into parsed JSON; anything missing or non-scalar becomes null. */
function pick(json: unknown, path: string): FlowValue {
  let current: unknown = json;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') {
    return current;
  }
  return null;
}
