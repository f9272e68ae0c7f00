/**
 * What any {@link VoicemailBox} must do, run against the in-memory box and the
 * Postgres one (channels/voicemail). Port behaviour only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VoicemailBox, VoicemailMessage } from './voicemail-box.ts';

export interface VoicemailBoxTestFixture {
  readonly box: VoicemailBox;
  /** A mailbox name the box knows (a queue or team). */
  readonly knownMailbox: string;
  close(): Promise<void>;
}

export function describeVoicemailBoxContract(
  name: string,
  factory: () => Promise<VoicemailBoxTestFixture>,
): void {
  describe(`VoicemailBox contract: ${name}`, () => {
    let fixture: VoicemailBoxTestFixture | undefined;
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });
    const message = (callId: string, mailbox: string): VoicemailMessage => ({
      mailbox,
      callId,
      callerNumber: '+15551230000',
      recordingUri: `file:///var/recordings/${callId}.wav`,
      durationMs: 14_000,
    });

    it('gives each call its own voicemail and ticket', async () => {
      fixture = await factory();
      const first = await fixture.box.store(
        message('6b1f0c1e-0000-4000-8000-000000000001', fixture.knownMailbox),
      );
      const second = await fixture.box.store(
        message('6b1f0c1e-0000-4000-8000-000000000002', fixture.knownMailbox),
      );
      expect(first.voicemailId).not.toBe(second.voicemailId);
      expect(first.ticketId).not.toBe(second.ticketId);
    });

    it('treats storing the same recording again as a retry, not a second ticket', async () => {
      fixture = await factory();
      const m = message('6b1f0c1e-0000-4000-8000-000000000003', fixture.knownMailbox);
      const first = await fixture.box.store(m);
      expect(await fixture.box.store(m)).toEqual(first);
    });

    it('keeps a message left for a mailbox it does not know, rather than losing it', async () => {
      fixture = await factory();
      const stored = await fixture.box.store(
        message('6b1f0c1e-0000-4000-8000-000000000004', 'no-such-mailbox'),
      );
      expect(stored.ticketId).not.toBe('');
      expect(stored.voicemailId).not.toBe('');
    });
  });
}
