import { describeClickToDialContract } from './click-to-dial-contract.ts';
import { InMemoryClickToDial } from './in-memory-click-to-dial.ts';

function fixture(outboundUri: string | undefined) {
  const dialer = new InMemoryClickToDial(outboundUri);
  dialer.register('agent-with-phone');
  return Promise.resolve({
    dialer,
    agentWithPhone: 'agent-with-phone',
    agentWithoutPhone: 'agent-without-phone',
    close: () => Promise.resolve(),
  });
}

describeClickToDialContract('in memory', {
  ready: () => fixture('sip:{number}@carrier.example'),
  withoutOutboundUri: () => fixture(undefined),
});
