// Every path of every sample flow in flows/, through the simulator: real
// flow files and prompt audio, a real HTTP server for the CRM lookup, a
// simulated clock, scripted caller, in-memory ACD and voicemail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlow } from './load-flow.ts';
import { PromptLibrary } from './prompt-library.ts';
import { simulateFlow, type SimulationOptions, type SimulationReport } from './simulate-flow.ts';

const flowsDir = join(import.meta.dirname, '..', 'flows');
const prompts = new PromptLibrary(join(flowsDir, 'prompts'));
/** Monday 10:00 in New York. */
const mondayMorning = Date.parse('2025-03-03T10:00:00-05:00');

async function simulate(
  file: string,
  options: Partial<SimulationOptions> = {},
): Promise<SimulationReport> {
  const definition = await loadFlow(join(flowsDir, file));
  const report = await simulateFlow(definition, {
    from: '+15551230000',
    startAt: mondayMorning,
    prompts,
    ...options,
  });
  expect(report.timersLeft).toBe(0);
  return report;
}

const states = (report: SimulationReport) =>
  report.timeline.flatMap((item) =>
    item.source === 'flow' && item.event.type === 'stateEntered' ? [item.event.statePath] : [],
  );
const heard = (report: SimulationReport) =>
  report.timeline.flatMap((item) =>
    item.source === 'call' && item.entry.kind === 'heard' && item.entry.prompt.kind === 'file'
      ? [`${item.entry.prompt.language}/${item.entry.prompt.name}`]
      : [],
  );

describe('flows/main-menu.json', () => {
  it.each([
    ['1', 'sales', 2],
    ['2', 'support', 3],
    ['3', 'billing', 3],
  ])('queues key %s to %s with priority %i', async (key, queueId, priority) => {
    const report = await simulate('main-menu.json', { keys: [key] });
    expect(report.outcome.disposition).toEqual({
      kind: 'queued',
      queueId,
      priority,
      result: 'answered',
      agentId: 'agent-1',
    });
    expect(report.outcome.reason).toBe('completed');
    expect(states(report)).toEqual(['answer', 'checkHours', 'mainMenu', queueId, 'done']);
  });

  it('transfers key 0 to the operator', async () => {
    const report = await simulate('main-menu.json', { keys: ['0'] });
    expect(report.outcome.reason).toBe('transferred');
    expect(report.outcome.disposition).toEqual({
      kind: 'transfer',
      destination: '+15550100100',
      result: 'answered',
    });
  });

  it('queues to the general line when the operator is busy', async () => {
    const report = await simulate('main-menu.json', { keys: ['0'], transferResult: 'busy' });
    expect(states(report)).toContain('operatorUnavailable');
    expect(report.outcome.disposition).toMatchObject({
      kind: 'queued',
      queueId: 'general',
      result: 'answered',
    });
  });

  it('sends a silent caller to the operator after the retries', async () => {
    const report = await simulate('main-menu.json', { keys: [] });
    expect(heard(report).filter((name) => name === 'en/no-input')).toHaveLength(2);
    expect(states(report)).toEqual(['answer', 'checkHours', 'mainMenu', 'operator']);
  });

  it('says goodbye after three invalid choices', async () => {
    const report = await simulate('main-menu.json', { keys: ['9', '8', '7'] });
    expect(heard(report).filter((name) => name === 'en/invalid-choice')).toHaveLength(2);
    expect(report.outcome).toMatchObject({
      reason: 'completed',
      finalState: 'goodbye',
      disposition: { kind: 'hungUp' },
    });
  });

  it.each([
    ['Sunday', '2025-03-02T10:00:00-05:00'],
    ['a weekday evening', '2025-03-03T20:30:00-05:00'],
    ['Christmas Day', '2025-12-25T10:00:00-05:00'],
    ['Christmas Eve afternoon', '2025-12-24T14:00:00-05:00'],
  ])('takes voicemail on %s', async (_when, at) => {
    const report = await simulate('main-menu.json', { startAt: Date.parse(at) });
    expect(states(report)).toEqual(['answer', 'checkHours', 'afterHours', 'goodbye']);
    expect(report.voicemails).toEqual([
      { mailbox: 'general', voicemailId: 'vm-sim-1', ticketId: 'ticket-sim-2' },
    ]);
    expect(heard(report)).toContain('en/message-saved');
  });

  it('is open on Christmas Eve morning', async () => {
    const report = await simulate('main-menu.json', {
      startAt: Date.parse('2025-12-24T09:00:00-05:00'),
      keys: ['1'],
    });
    expect(states(report)).toContain('sales');
  });

  it('offers a callback in the support queue and keeps the place', async () => {
    const report = await simulate('main-menu.json', { keys: ['2', '1'], agents: 0 });
    expect(report.outcome.disposition).toEqual({
      kind: 'queued',
      queueId: 'support',
      priority: 3,
      result: 'callback',
    });
    expect(heard(report)).toEqual(
      expect.arrayContaining(['en/queue/callback-offer', 'en/queue/callback-confirmed']),
    );
  });

  it('announces position and wait while the caller holds', async () => {
    const report = await simulate('main-menu.json', {
      keys: ['1'],
      agents: 0,
      hangupAfterSeconds: 100,
    });
    expect(
      heard(report).filter((name) => name === 'en/queue/you-are-number').length,
    ).toBeGreaterThanOrEqual(3);
    expect(report.outcome).toMatchObject({ reason: 'callerHungUp', finalState: 'sales' });
  });

  it('takes voicemail when the queue times the caller out', async () => {
    const report = await simulate('main-menu.json', {
      keys: ['3'],
      agents: 0,
      queueMaxWaitSeconds: 120,
    });
    expect(states(report)).toEqual([
      'answer',
      'checkHours',
      'mainMenu',
      'billing',
      'afterHours',
      'goodbye',
    ]);
    expect(report.voicemails).toHaveLength(1);
  });
});

describe('flows/support-line.json', () => {
  let server: Server;
  let baseUrl: string;
  const accounts: Record<string, unknown> = {
    '+15550000001': { account: { id: 'A-1001', tier: 'gold', balance: 42.5, firstName: 'Ada' } },
    '+15550000002': { account: { id: 'A-1002', tier: 'standard', balance: 0, firstName: 'Bo' } },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const phone = url.searchParams.get('phone') ?? '';
      if (url.pathname === '/broken/accounts') {
        response.writeHead(500).end('{"error":"database down"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(accounts[phone] ?? { account: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  });

  it('tells a gold customer their balance and puts them at the front of the line', async () => {
    const report = await simulate('support-line.json', {
      from: '+15550000001',
      variables: { crmBaseUrl: baseUrl },
    });
    expect(states(report)).toEqual([
      'answer',
      'lookup',
      'known',
      'known.greet',
      'route',
      'priorityQueue',
      'done',
    ]);
    expect(heard(report)).toEqual(
      expect.arrayContaining([
        'en/your-balance-is',
        'en/numbers/40',
        'en/numbers/2',
        'en/currency/dollars',
        'en/numbers/50',
        'en/currency/cents',
      ]),
    );
    expect(report.outcome.disposition).toMatchObject({
      kind: 'queued',
      priority: 1,
      result: 'answered',
    });
  });

  it('queues a standard customer normally', async () => {
    const report = await simulate('support-line.json', {
      from: '+15550000002',
      variables: { crmBaseUrl: baseUrl },
    });
    expect(states(report)).toContain('standardQueue');
    expect(report.outcome.disposition).toMatchObject({ kind: 'queued', priority: 3 });
  });

  it('asks an unknown caller for their account number', async () => {
    const report = await simulate('support-line.json', {
      keys: ['123456'],
      variables: { crmBaseUrl: baseUrl },
    });
    expect(states(report)).toEqual(['answer', 'lookup', 'askAccount', 'standardQueue', 'done']);
  });

  it('falls back to the plain queue when the CRM fails', async () => {
    const report = await simulate('support-line.json', {
      variables: { crmBaseUrl: `${baseUrl}/broken` },
    });
    expect(states(report)).toEqual(['answer', 'lookup', 'lookupFailed', 'standardQueue', 'done']);
    const failure = report.timeline.find(
      (item) => item.source === 'flow' && item.event.type === 'stepFailed',
    );
    expect(failure).toMatchObject({
      event: { step: 'httpLookup', error: expect.stringMatching(/HTTP 500/) as unknown },
    });
  });

  it('refuses a plain-http CRM address on the open internet and still serves the caller', async () => {
    const report = await simulate('support-line.json', {
      variables: { crmBaseUrl: 'http://crm.example.com' },
    });
    expect(states(report)).toContain('lookupFailed');
    const failure = report.timeline.find(
      (item) => item.source === 'flow' && item.event.type === 'stepFailed',
    );
    expect(failure).toMatchObject({
      event: { error: 'httpLookup refuses http://crm.example.com: use https' },
    });
  });

  it('offers a callback, and voicemail when the queue times out', async () => {
    const callback = await simulate('support-line.json', {
      agents: 0,
      keys: ['1'],
      variables: { crmBaseUrl: `${baseUrl}/broken` },
    });
    expect(callback.outcome.disposition).toMatchObject({ result: 'callback' });
    expect(states(callback).at(-1)).toBe('goodbye');
    const timedOut = await simulate('support-line.json', {
      from: '+15550000001',
      agents: 0,
      queueMaxWaitSeconds: 90,
      variables: { crmBaseUrl: baseUrl },
    });
    expect(states(timedOut).slice(-2)).toEqual(['voicemail', 'goodbye']);
    expect(timedOut.voicemails).toEqual([expect.objectContaining({ mailbox: 'support' })]);
  });
});

describe('flows/language-choice.yaml', () => {
  it('serves Chinese callers in Chinese with Mandarin-speaking agents', async () => {
    const report = await simulate('language-choice.yaml', { keys: ['2', '1'] });
    expect(states(report)).toEqual([
      'answer',
      'chooseLanguage',
      'chinese',
      'menu',
      'routeSupport',
      'supportChinese',
      'done',
    ]);
    expect(heard(report)).toEqual(
      expect.arrayContaining(['zh/welcome', 'zh/short-menu', 'zh/all-agents-busy']),
    );
    expect(heard(report)).not.toContain('en/short-menu');
  });

  it('serves English callers in English, billing included', async () => {
    const report = await simulate('language-choice.yaml', { keys: ['1', '2'] });
    expect(states(report)).toEqual([
      'answer',
      'chooseLanguage',
      'english',
      'menu',
      'billing',
      'done',
    ]);
    expect(heard(report)).toContain('en/short-menu');
  });

  it('defaults a silent caller to English and says goodbye when they stay silent', async () => {
    const report = await simulate('language-choice.yaml', { keys: [] });
    expect(states(report)).toEqual(['answer', 'chooseLanguage', 'english', 'menu', 'goodbye']);
  });
});

describe('flows/vip-fast-lane.yaml', () => {
  it('puts VIP callers at the front of the line', async () => {
    const report = await simulate('vip-fast-lane.yaml', { callerTags: ['VIP'] });
    expect(states(report)).toEqual(['answer', 'checkVip', 'vipGreeting', 'vipQueue', 'done']);
    expect(report.outcome.disposition).toMatchObject({ priority: 1, result: 'answered' });
  });

  it('queues others straight away when agents are free', async () => {
    const report = await simulate('vip-fast-lane.yaml');
    expect(states(report)).toEqual(['answer', 'checkVip', 'checkAgents', 'standardQueue', 'done']);
  });

  it('offers voicemail when the wait is long', async () => {
    const report = await simulate('vip-fast-lane.yaml', {
      agents: 0,
      averageHandleSeconds: 600,
      keys: ['1'],
    });
    expect(states(report)).toEqual([
      'answer',
      'checkVip',
      'checkAgents',
      'longWaitOffer',
      'voicemail',
      'goodbye',
    ]);
    expect(report.voicemails).toHaveLength(1);
  });

  it('lets a caller who chooses to hold keep holding', async () => {
    const report = await simulate('vip-fast-lane.yaml', {
      agents: 0,
      averageHandleSeconds: 600,
      keys: ['2'],
      hangupAfterSeconds: 120,
    });
    expect(states(report)).toEqual([
      'answer',
      'checkVip',
      'checkAgents',
      'longWaitOffer',
      'standardQueue',
    ]);
    expect(report.outcome.reason).toBe('callerHungUp');
  });

  it('queues without an offer when the wait is short', async () => {
    const report = await simulate('vip-fast-lane.yaml', { agents: 0, hangupAfterSeconds: 60 });
    expect(states(report)).toEqual(['answer', 'checkVip', 'checkAgents', 'standardQueue']);
  });
});
