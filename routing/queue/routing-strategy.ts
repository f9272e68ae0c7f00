/**
 * How a queue picks among the available agents that qualify for a contact
 * (each keeps a score per agent; lowest wins, see routing/README.md):
 * - `longest-idle` (default): the agent idle the longest since its last contact or wrap-up.
 * - `round-robin`: the agent offered least recently by this queue.
 * - `top-down`: the agent with the lowest configured position.
 * - `fewest-calls`: the agent that accepted the fewest contacts since logging in.
 * - `least-talk-time`: the agent with the least talk time since logging in.
 * - `ring-all`: every qualified agent at once; the first to accept wins, the rest are withdrawn.
 * - `random`: a uniformly random qualified agent.
 */
export const routingStrategies = [
  'longest-idle',
  'round-robin',
  'top-down',
  'fewest-calls',
  'least-talk-time',
  'ring-all',
  'random',
] as const;

export type RoutingStrategy = (typeof routingStrategies)[number];
