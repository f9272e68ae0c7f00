import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { SequentialIdGenerator } from '../../platform/id-generator.ts';
import type { CallLegSnapshot, CallRecordItem } from './call-record.ts';
import { CallRecorder } from './call-recorder.ts';
import { legIdFor } from './leg-id.ts';

const callId = '11111111-1111-4111-8111-111111111111';

function recorder() {
  const written: CallRecordItem[] = [];
  const clock = new ManualClock(Date.parse('2026-12-07T10:00:00Z'));
  const record = new CallRecorder(
    { write: (item) => void written.push(item) },
    clock,
    new SequentialIdGenerator('event'),
    {
      id: callId,
      direction: 'inbound',
      fromNumber: '+15550001111',
      toNumber: '+15550002222',
      sipCallId: 'abc@192.0.2.10',
      ownLeg: { role: 'caller', sipUri: 'sip:+15550001111@carrier.example.net' },
    },
  );
  const legs = () =>
    written.flatMap((item): CallLegSnapshot[] => (item.kind === 'leg' ? [item.leg] : []));
  return { written, clock, record, legs };
}

describe('CallRecorder with its own leg', () => {
  it("writes the caller's leg as the call starts, is answered and ends, and only then", () => {
    const { clock, record, legs, written } = recorder();
    clock.advance(1_000);
    record.update({ answeredAt: new Date(clock.now()), sipStatus: 200 }, 'call.answered');
    record.update({ queueId: 'support', enqueuedAt: new Date(clock.now()) }, 'call.enqueued');
    clock.advance(30_000);
    record.update(
      { endedAt: new Date(clock.now()), hangupCause: 'callerHungUp', disposition: 'abandoned' },
      'call.ended',
    );

    expect(
      legs().map((leg) => [leg.answeredAt?.toISOString(), leg.endedAt?.toISOString()]),
    ).toEqual([
      [undefined, undefined],
      ['2026-12-07T10:00:01.000Z', undefined],
      ['2026-12-07T10:00:01.000Z', '2026-12-07T10:00:31.000Z'],
    ]);
    expect(legs().at(-1)).toEqual({
      id: legIdFor(`${callId}:caller`),
      callId,
      role: 'caller',
      userId: null,
      sipUri: 'sip:+15550001111@carrier.example.net',
      sipCallId: 'abc@192.0.2.10',
      mediaUuid: null,
      startedAt: new Date('2026-12-07T10:00:00Z'),
      answeredAt: new Date('2026-12-07T10:00:01Z'),
      endedAt: new Date('2026-12-07T10:00:31Z'),
      hangupCause: 'callerHungUp',
      sipStatus: 200,
    });
    // The snapshot stays a calls row: the leg description is not part of it.
    const call = written.find((item) => item.kind === 'call');
    expect(call?.kind === 'call' && 'ownLeg' in call.call).toBe(false);
  });

  it('cuts a very long caller URI (a hostile From) to 512 characters', () => {
    const written: CallRecordItem[] = [];
    new CallRecorder(
      { write: (item) => void written.push(item) },
      new ManualClock(0),
      new SequentialIdGenerator('e'),
      {
        id: callId,
        direction: 'inbound',
        fromNumber: 'x',
        toNumber: 'y',
        ownLeg: { role: 'caller', sipUri: `sip:${'a'.repeat(5000)}@example.net` },
      },
    );
    const leg = written.find((item) => item.kind === 'leg');
    expect(leg?.kind === 'leg' && leg.leg.sipUri.length).toBe(512);
  });
});
