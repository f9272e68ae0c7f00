/**
 * What any {@link LiveCallControl} must do for an agent's hold, mute,
 * DTMF and hang-up from the desktop, run against the in-memory twin and the voice layer's
 * (media/live-call/agent-call-controls.test.ts). Port behaviour only; how
 * FreeSWITCH is asked is the voice layer's own test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveCallControl } from './live-call-control.ts';

export interface CallControlsFixture {
  readonly control: LiveCallControl;
  /** A live call bridged to an agent. */
  readonly callId: string;
  /** A live call no agent is bridged with (still in the IVR). */
  readonly callWithoutAgent: string;
  /** The DTMF strings sent to `callId`'s customer so far, in order. */
  sentDigits(): string[];
  /** The agent of `callId` hangs up; the customer stays on the line. */
  agentHangsUp(): Promise<void>;
  close(): Promise<void>;
}

const neither = { held: false, muted: false };

export function describeCallControlsContract(
  name: string,
  factory: () => Promise<CallControlsFixture>,
): void {
  describe(`LiveCallControl hold, mute and DTMF contract: ${name}`, () => {
    let fixture: CallControlsFixture | undefined;
    const start = async () => (fixture = await factory());
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    it('starts neither held nor muted; holds and resumes, each idempotent', async () => {
      const { control, callId } = await start();
      expect(await control.controls(callId)).toEqual(neither);
      expect(await control.hold(callId)).toEqual({ held: true, muted: false });
      expect(await control.hold(callId)).toEqual({ held: true, muted: false });
      expect(await control.controls(callId)).toEqual({ held: true, muted: false });
      expect(await control.resume(callId)).toEqual(neither);
      expect(await control.resume(callId)).toEqual(neither);
    });

    it('mutes and unmutes, idempotent; a mute outlasts hold and resume', async () => {
      const { control, callId } = await start();
      expect(await control.mute(callId)).toEqual({ held: false, muted: true });
      expect(await control.mute(callId)).toEqual({ held: false, muted: true });
      expect(await control.hold(callId)).toEqual({ held: true, muted: true });
      expect(await control.resume(callId)).toEqual({ held: false, muted: true });
      expect(await control.unmute(callId)).toEqual(neither);
      expect(await control.controls(callId)).toEqual(neither);
    });

    it("sends DTMF to the customer's side and refuses anything but DTMF symbols", async () => {
      const f = await start();
      await f.control.sendDtmf(f.callId, '1');
      await f.control.sendDtmf(f.callId, '0123456789*#ABCD');
      expect(f.sentDigits()).toEqual(['1', '0123456789*#ABCD']);
      for (const digits of ['', '12 3', '${x}', 'e', '1'.repeat(33)]) {
        await expect(f.control.sendDtmf(f.callId, digits)).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
      expect(f.sentDigits()).toHaveLength(2);
    });

    it('refuses every control with conflict on a call that is not live, or has no agent', async () => {
      const f = await start();
      for (const callId of ['44444444-4444-4444-8444-444444444444', f.callWithoutAgent]) {
        for (const act of [
          () => f.control.hold(callId),
          () => f.control.resume(callId),
          () => f.control.mute(callId),
          () => f.control.unmute(callId),
          () => f.control.sendDtmf(callId, '1'),
          () => f.control.hangUpAgent(callId),
        ]) {
          await expect(act()).rejects.toMatchObject({ code: 'conflict' });
        }
        expect(await f.control.controls(callId)).toBeUndefined();
      }
    });

    it("hangs up the agent's leg from the desktop: no agent is bridged afterwards", async () => {
      const f = await start();
      await f.control.mute(f.callId);
      await f.control.hangUpAgent(f.callId);
      expect(await f.control.controls(f.callId)).toBeUndefined();
      await expect(f.control.hangUpAgent(f.callId)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('forgets hold and mute once the agent hangs up', async () => {
      const f = await start();
      await f.control.hold(f.callId);
      await f.control.mute(f.callId);
      await f.agentHangsUp();
      expect(await f.control.controls(f.callId)).toBeUndefined();
      await expect(f.control.resume(f.callId)).rejects.toMatchObject({ code: 'conflict' });
    });
  });
}
