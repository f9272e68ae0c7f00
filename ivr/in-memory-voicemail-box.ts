import type { IdGenerator } from '../platform/id-generator.ts';
import type { StoredVoicemail, VoicemailBox, VoicemailMessage } from './voicemail-box.ts';

/** Keeps voicemail in a list, for tests and the simulator. */
export class InMemoryVoicemailBox implements VoicemailBox {
  readonly messages: (VoicemailMessage & StoredVoicemail)[] = [];

  constructor(private readonly ids: IdGenerator) {}

  store(message: VoicemailMessage): Promise<StoredVoicemail> {
    const stored = { voicemailId: `vm-${this.ids.next()}`, ticketId: `ticket-${this.ids.next()}` };
    this.messages.push({ ...message, ...stored });
    return Promise.resolve(stored);
  }
}
