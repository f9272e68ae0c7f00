import type { IdGenerator } from '../platform/id-generator.ts';
import type { StoredVoicemail, VoicemailBox, VoicemailMessage } from './voicemail-box.ts';

/** Keeps voicemail in a list, for tests and the simulator. */
export class InMemoryVoicemailBox implements VoicemailBox {
  readonly messages: (VoicemailMessage & StoredVoicemail)[] = [];

  constructor(private readonly ids: IdGenerator) {}

  store(message: VoicemailMessage): Promise<StoredVoicemail> {
    // A retry of the same recording returns what was stored the first time.
    const earlier = this.messages.find((m) => m.recordingUri === message.recordingUri);
    if (earlier)
      return Promise.resolve({ voicemailId: earlier.voicemailId, ticketId: earlier.ticketId });
    const stored = { voicemailId: `vm-${this.ids.next()}`, ticketId: `ticket-${this.ids.next()}` };
    this.messages.push({ ...message, ...stored });
    return Promise.resolve(stored);
  }
}
