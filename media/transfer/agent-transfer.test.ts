/**
 * Blind and warm (consult) transfers to an agent or a number on a live call
 * bridged to Alice: drachtio-srf and fsmrf twins (media/live-call/test-live-call.ts),
 * routing on a real Redis (engage/release of the target agent), simulated time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SwitchboardError } from '../../platform/switchboard-error.ts';
import { createTestRouting, type TestRouting } from '../../routing/test-routing.ts';
import type { EndpointTwin } from '../freeswitch/media-server-twin.ts';
import { DeviceRinger } from '../offer/device-ringer.ts';
import { MediaLiveCallControl } from '../live-call/media-live-call-control.ts';
import { callId, liveCall, logger, type LiveCall } from '../live-call/test-live-call.ts';
import type { ConsultationChange } from './consultation-notice.ts';
import { Consultations } from './consultations.ts';
import { TransferTargetCall } from './transfer-target-call.ts';

const samPhone = 'sip:sam@198.51.100.9';
let routing: TestRouting;

afterEach(async () => {
  await routing.cleanup();
});

async function rig() {
  routing = createTestRouting();
  await routing.admin.configureQueue({ queueId: 'q', wrapUpSeconds: 0 });
  await routing.admin.configureAgent({ agentId: 'sam', skills: {}, queues: [{ queueId: 'q' }] });
  await routing.desk.logIn('sam');
  const t = await liveCall();
  const ringer = new DeviceRinger({
    sip: t.sip,
    mediaServer: () => t.server,
    clock: t.clock,
    logger,
  });
  const legs: { role: string; userId: string | null; hangupCause?: string | null }[] = [];
  const steps: ConsultationChange[] = [];
  const targets = new TransferTargetCall({
    devices: { bindings: (id) => Promise.resolve(id === 'sam' ? [{ contact: samPhone }] : []) },
    ringer,
    dialer: t.dialer,
    engagements: routing.desk,
    records: { write: (item) => void (item.kind === 'leg' && legs.push(item.leg)) },
    ringTimeoutMs: 20_000,
    clock: t.clock,
    logger,
  });
  const consultations = new Consultations({
    targets,
    notice: {
      tell: (change) => {
        steps.push(change);
        return Promise.resolve();
      },
    },
    clock: t.clock,
    logger,
  });
  const control = new MediaLiveCallControl({
    calls: t.calls,
    devices: { bindings: () => Promise.resolve([]) },
    ringer,
    dialer: t.dialer,
    records: { write: () => undefined },
    notice: { tell: () => Promise.resolve() },
    targets,
    consultations,
    clock: t.clock,
    logger,
  });
  return { ...t, control, consultations, legs, steps };
}

async function until(t: LiveCall, check: () => void | Promise<void>) {
  await vi.waitFor(
    async () => {
      await t.clock.advance(0);
      await check();
    },
    { timeout: 5_000, interval: 10 },
  );
}

async function samAnswers(t: LiveCall) {
  let invite: ReturnType<LiveCall['sip']['ringing']>[number] | undefined;
  await until(t, () => {
    invite = t.sip.ringing(samPhone)[0];
    expect(invite).toBeDefined();
  });
  const dialog = invite!.answer();
  await t.clock.advance(0);
  return { dialog, endpoint: t.server.endpoints.at(-1) as EndpointTwin };
}

describe('blind transfer to an agent', () => {
  it("engages Sam, rings his phone, bridges the caller to him and ends Alice's leg", async () => {
    const t = await rig();
    const transferring = t.control.transfer({
      callId,
      requestedBy: 'alice',
      target: { kind: 'agent', agentId: 'sam' },
    });
    await until(t, async () => {
      expect((await routing.desk.status('sam')).contacts).toMatchObject([
        { contactId: callId, engagement: 'transfer' },
      ]);
    });
    const sam = await samAnswers(t);
    await transferring;
    expect(t.agentDialog.destroyed).toBe(true);
    expect(t.callerEndpoint.bridgedWith).toBe(sam.endpoint.uuid);
    expect(t.session.bridgedPeer?.agentId).toBe('sam');
    expect(t.legs[0]).toMatchObject({ role: 'transfer', userId: 'sam' });
    sam.dialog.hangUpFromFarEnd();
    expect(await t.bridged).toMatchObject({ outcome: 'completed' });
    await until(t, async () => {
      expect((await routing.desk.status('sam')).state).toBe('available');
    });
  });

  it('refuses with 409 naming why when Sam is not available, ringing nothing', async () => {
    const t = await rig();
    await routing.desk.setState('sam', 'break', 'lunch');
    const error = await t.control
      .transfer({ callId, requestedBy: 'alice', target: { kind: 'agent', agentId: 'sam' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict', details: { reason: 'break' } });
    expect(t.sip.invites).toEqual([]);
    expect(t.agentLeg.ended).toBe(false);
  });

  it('leaves the caller with Alice and frees Sam when he does not answer', async () => {
    const t = await rig();
    const transferring = t.control
      .transfer({ callId, requestedBy: 'alice', target: { kind: 'agent', agentId: 'sam' } })
      .catch((e: unknown) => e);
    await until(t, () => expect(t.sip.ringing(samPhone)).toHaveLength(1));
    await t.clock.advance(20_000);
    expect(((await transferring) as SwitchboardError).code).toBe('unavailable');
    expect(t.agentLeg.ended).toBe(false);
    expect((await routing.desk.status('sam')).state).toBe('available');
    expect(t.legs.at(-1)).toMatchObject({ role: 'transfer', hangupCause: 'noAnswer' });
  });
});

describe('consult transfer', () => {
  it('holds the caller with music, connects Alice and Sam, then hands the caller to Sam', async () => {
    const t = await rig();
    expect(
      await t.control.consult({
        callId,
        requestedBy: 'alice',
        target: { kind: 'agent', agentId: 'sam' },
      }),
    ).toBe('ringing');
    expect(t.callerEndpoint.commands.some((c) => c.startsWith('play local_stream://'))).toBe(true);
    const sam = await samAnswers(t);
    await until(t, () => expect(t.steps.map((c) => c.type)).toContain('consultation.connected'));
    expect(t.agentEndpoint.bridgedWith).toBe(sam.endpoint.uuid);
    await expect(
      t.control.consult({
        callId,
        requestedBy: 'alice',
        target: { kind: 'number', number: '+15559990000' },
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await t.control.completeConsultation({ callId, requestedBy: 'alice' })).toBe(
      'completed',
    );
    expect(t.callerEndpoint.bridgedWith).toBe(sam.endpoint.uuid);
    expect(t.agentDialog.destroyed).toBe(true);
    expect(t.steps.map((c) => c.type)).toEqual([
      'consultation.ringing',
      'consultation.connected',
      'consultation.completed',
    ]);
    expect(t.steps[0]).toMatchObject({
      agentId: 'alice',
      targetKind: 'agent',
      targetAgentId: 'sam',
    });
    expect(t.legs[0]).toMatchObject({ role: 'transfer', userId: 'sam' });
    sam.dialog.hangUpFromFarEnd();
    expect(await t.bridged).toMatchObject({ outcome: 'completed' });
  });

  it("cancels: Sam's leg ends, Alice is back with the caller, Sam is free", async () => {
    const t = await rig();
    await t.control.consult({
      callId,
      requestedBy: 'alice',
      target: { kind: 'agent', agentId: 'sam' },
    });
    const sam = await samAnswers(t);
    await until(t, () => expect(t.steps.map((c) => c.type)).toContain('consultation.connected'));
    expect(await t.control.cancelConsultation({ callId, requestedBy: 'alice' })).toBe('cancelled');
    expect(sam.dialog.destroyed).toBe(true);
    expect(t.agentEndpoint.bridgedWith).toBe(t.callerEndpoint.uuid);
    expect(t.agentLeg.ended).toBe(false);
    await until(t, async () => expect((await routing.desk.status('sam')).state).toBe('available'));
    expect(t.steps.at(-1)).toMatchObject({ type: 'consultation.cancelled', reason: 'agent' });
  });

  it('goes back to the caller when a consulted number does not answer', async () => {
    const t = await rig();
    await t.control.consult({
      callId,
      requestedBy: 'alice',
      target: { kind: 'number', number: '+15559990000' },
    });
    await until(t, () => expect(t.sip.ringing()).toHaveLength(1));
    t.sip.ringing()[0]?.reject(486);
    await t.consultations.settled();
    expect(t.steps.at(-1)).toMatchObject({ type: 'consultation.cancelled', reason: 'no-answer' });
    expect(t.agentEndpoint.bridgedWith).toBe(t.callerEndpoint.uuid);
    await expect(
      t.control.completeConsultation({ callId, requestedBy: 'alice' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});
