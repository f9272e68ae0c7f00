import type { Kysely } from 'kysely';
import type { StoredVoicemail, VoicemailBox, VoicemailMessage } from '../../ivr/voicemail-box.ts';
import type { Database } from '../../sql/database.ts';
import { VoicemailRepository } from '../../sql/repositories/voicemail-repository.ts';

/**
 * Voicemail lands as a ticket in the mailbox's queue, with the caller as
 * requester (a new contact when the number is unknown) so someone calls back.
 * A mailbox naming no queue still gets its ticket, unassigned: a message is
 * never dropped for a configuration slip.
 */
export class PostgresVoicemailBox implements VoicemailBox {
  private readonly voicemails: VoicemailRepository;

  constructor(db: Kysely<Database>) {
    this.voicemails = new VoicemailRepository(db);
  }

  async store(message: VoicemailMessage): Promise<StoredVoicemail> {
    const seconds = Math.round(message.durationMs / 1000);
    const caller = message.callerNumber.trim() === '' ? 'a withheld number' : message.callerNumber;
    const stored = await this.voicemails.insert({
      externalId: `voicemail:${message.recordingUri}`,
      queueName: message.mailbox,
      callerE164: toE164(message.callerNumber),
      callerDisplay: message.callerNumber,
      subject: `Voicemail from ${caller} (${seconds} s)`,
      body: `Voicemail for ${message.mailbox}, ${seconds} s: ${message.recordingUri}`,
      headers: {
        callId: message.callId,
        recordingUri: message.recordingUri,
        durationMs: String(message.durationMs),
        mailbox: message.mailbox,
      },
    });
    return { voicemailId: stored.messageId, ticketId: stored.ticketId };
  }
}

/** '+15551230000', '15551230000' → '+15551230000'; anything else (anonymous, sip users) → null. */
function toE164(number: string): string | null {
  const digits = number.trim().replace(/[\s().-]/g, '');
  return /^\+?[1-9][0-9]{6,14}$/.test(digits) ? `+${digits.replace(/^\+/, '')}` : null;
}
