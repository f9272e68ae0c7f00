import { describeCallControlsContract } from './call-controls-contract.ts';
import { InMemoryLiveCallControl } from './in-memory-live-call-control.ts';

const callId = '11111111-1111-4111-8111-111111111111';
const callWithoutAgent = '22222222-2222-4222-8222-222222222222';

describeCallControlsContract('in memory', () => {
  const control = new InMemoryLiveCallControl();
  control.connect(callId);
  control.connect(callWithoutAgent, { withAgent: false });
  return Promise.resolve({
    control,
    callId,
    callWithoutAgent,
    sentDigits: () => control.sentDigits.map((sent) => sent.digits),
    agentHangsUp: () => Promise.resolve(control.connect(callId, { withAgent: false })),
    close: () => Promise.resolve(),
  });
});
