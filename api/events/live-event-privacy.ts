import type { ContactMasker } from '../privacy/contact-masking.ts';
import { callPersonalFields, maskPersonalData } from '../privacy/personal-data.ts';
import type { LiveEvent } from './live-event.ts';

/**
 * The event as `mask`'s principal may see it: the same masking as the HTTP
 * routes (contact.enqueued's callerNumber, contact.offered's and
 * contact.callback-requested's callbackNumber, a call event's from and to,
 * flow variables). The event itself when nothing in it is hidden, so most
 * events are still encoded once for every client.
 */
export function liveEventFor(event: LiveEvent, mask: ContactMasker): LiveEvent {
  if (mask.full || !Object.keys(event.data).some((key) => callPersonalFields.has(key))) {
    return event;
  }
  const data = maskPersonalData(event.data, mask, callPersonalFields) as Record<string, string>;
  return { ...event, data };
}
