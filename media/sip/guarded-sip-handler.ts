import type { Logger } from '../../platform/logger.ts';
import { processFaults, type FaultLog } from '../../platform/process-faults.ts';
import type { SipRequest, SipResponse } from './sip-message.ts';

/** A handler as drachtio-srf calls it: may return a promise, may throw. */
export type SipHandler = (request: SipRequest, response: SipResponse) => unknown;

/**
 * Wraps a drachtio-srf request handler so that nothing it does can reject
 * unhandled or throw into drachtio-srf's socket code, where either would end
 * the process with every live call. A failure is logged and counted as a
 * fault (it is a defect: handlers are meant to turn every failure into a SIP
 * response themselves), and the request gets `500` if it has no final
 * response yet, so the peer is not left retransmitting. Only that request
 * is affected. The returned function gives back the handling promise, which
 * never rejects, so callers can wait for in-flight requests.
 *
 * @example
 * srf.invite(guardedSipHandler((req, res) => inbound.handle(req, res), { logger }));
 */
export function guardedSipHandler(
  handler: SipHandler,
  options: { readonly logger: Logger; readonly faults?: FaultLog },
): (request: SipRequest, response: SipResponse) => Promise<void> {
  const faults = options.faults ?? processFaults;
  return async (request, response) => {
    try {
      await handler(request, response);
    } catch (error) {
      faults.record('sipHandler', error, options.logger, {
        method: safely(() => request.method),
        sipCallId: safely(() => request.get('Call-ID')),
      });
      try {
        if (!response.finalResponseSent) response.send(500, 'Server Internal Error');
      } catch (sendError) {
        options.logger.warn({ err: sendError }, 'could not answer a failed SIP request');
      }
    }
  };
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
