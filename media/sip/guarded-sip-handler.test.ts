import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { processFaults } from '../../platform/process-faults.ts';
import { guardedSipHandler } from './guarded-sip-handler.ts';
import { RecordedResponse, sipRequestFromText } from './sip-request-from-text.ts';

const logger = createLogger({ level: 'silent' });
const options = () =>
  sipRequestFromText(
    [
      'OPTIONS sip:switchboard.example SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1',
      'From: <sip:a@192.0.2.10>;tag=1',
      'To: <sip:switchboard.example>',
      'Call-ID: guarded-1',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\n'),
  );

describe('guardedSipHandler', () => {
  it.each([
    [
      'throws',
      () => {
        throw new URIError('URI malformed');
      },
    ],
    ['rejects', () => Promise.reject(new URIError('URI malformed'))],
  ])(
    'answers 500 and counts a fault when the handler %s, and never rejects',
    async (_how, handler) => {
      const response = new RecordedResponse();
      await expect(guardedSipHandler(handler, { logger })(options(), response)).resolves.toBe(
        undefined,
      );
      expect(response.final?.status).toBe(500);
      expect(processFaults.take()).toEqual([{ source: 'sipHandler', message: 'URI malformed' }]);
    },
  );

  it('leaves a final response the handler already sent alone', async () => {
    const response = new RecordedResponse();
    const handler = (_request: unknown, res: RecordedResponse) => {
      res.send(486);
      throw new Error('after the answer');
    };
    await guardedSipHandler(handler as never, { logger })(options(), response);
    expect(response.sent.map((sent) => sent.status)).toEqual([486]);
    expect(processFaults.take()).toHaveLength(1);
  });

  it('records nothing for a handler that succeeds', async () => {
    const response = new RecordedResponse();
    await guardedSipHandler((_req, res) => res.send(200), { logger })(options(), response);
    expect(response.final?.status).toBe(200);
    expect(processFaults.take()).toEqual([]);
  });
});
