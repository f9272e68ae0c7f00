/** Runs the flows' ACD contract (ivr/acd-contract.ts) against the Redis ACD on a real Redis. */
import { describeAcdContract } from '../ivr/acd-contract.ts';
import { createTestRouting } from './test-routing.ts';

describeAcdContract('RedisAcd', () => {
  const routing = createTestRouting();
  return Promise.resolve({
    acd: routing.acd,
    addQueue: async (queueId: string) => {
      await routing.admin.configureQueue({ queueId });
    },
    addAvailableAgent: async (agentId, queueIds, skills) => {
      await routing.admin.configureAgent({
        agentId,
        skills,
        queues: queueIds.map((queueId) => ({ queueId })),
      });
      await routing.desk.logIn(agentId);
    },
    acceptOffer: async (agentId: string, offerId: string) => {
      await routing.desk.accept(agentId, offerId);
    },
    engageAgent: async (agentId: string, callId: string) => {
      await routing.desk.engage(agentId, callId, 'transfer');
    },
    releaseAgent: async (agentId: string, callId: string) => {
      await routing.desk.release(agentId, callId);
    },
    close: () => routing.cleanup(),
  });
});
