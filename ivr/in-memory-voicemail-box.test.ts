import { SequentialIdGenerator } from '../platform/id-generator.ts';
import { InMemoryVoicemailBox } from './in-memory-voicemail-box.ts';
import { describeVoicemailBoxContract } from './voicemail-box-contract.ts';

describeVoicemailBoxContract('in memory', () =>
  Promise.resolve({
    box: new InMemoryVoicemailBox(new SequentialIdGenerator()),
    knownMailbox: 'support',
    close: () => Promise.resolve(),
  }),
);
