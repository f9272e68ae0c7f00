import { z } from 'zod';
import type { Prompt } from '../call-session.ts';
import type { ContactUpdate } from '../acd.ts';
import type { Disposition, StepOutput } from '../flow-context.ts';
import {
  languageParam,
  promptFiles,
  promptListParam,
  stepLanguage,
  toPrompts,
  type Language,
} from '../prompt-param.ts';
import { sayPromptNames, speakValue } from '../speak-value.ts';
import { interpolate } from '../template.ts';
import { ContactUpdates } from './contact-updates.ts';
import type { IvrActor, StepContext } from './ivr-actor.ts';
import { key, seconds } from './step-params.ts';

const enqueueParams = z.strictObject({
  queue: z.string().min(1, 'must name a queue'),
  /** Skill name to minimum level (1-10) the agent must hold. */
  skills: z.record(z.string().min(1), z.number().int().min(1).max(10)).default({}),
  /** 1 (most urgent) to 5. */
  priority: z.number().int().min(1).max(5).default(3),
  language: languageParam.optional(),
  /** Played once on joining the queue, e.g. "all our agents are busy". */
  waitingPrompt: promptListParam.optional(),
  holdMusic: z.string().min(1).default('default'),
  /** How often the caller hears their place in line (and the callback offer). */
  announceEverySeconds: seconds(30, 600),
  announcePosition: z.boolean().default(true),
  announceWait: z.boolean().default(true),
  /** Offer a callback: pressing `key` leaves the line but keeps the place. */
  callback: z
    .strictObject({
      key: key.default('1'),
      offerPrompt: promptListParam.default('queue/callback-offer'),
      confirmPrompt: promptListParam.default('queue/callback-confirmed'),
      /** The number to call back; default the caller's own. */
      number: z.string().default('{{call.callerNumber}}'),
    })
    .optional(),
});

type EnqueueParams = z.output<typeof enqueueParams>;

const positionPrompts = [
  'queue/you-are-number',
  'queue/in-line',
  'queue/estimated-wait',
  'queue/minutes',
];

/**
 * Puts the caller in an ACD queue with required skills and priority. While
 * they wait they hear hold music, their place in line and estimated wait every
 * `announceEverySeconds`, and (when configured) an offer to press a key for a
 * callback that keeps their place. Results: `answered` (bridged to an agent,
 * with `agentId`; resolves when the agent leg ends), `callback`, `timedOut`
 * (the queue's max wait passed with nowhere to overflow). An unknown queue
 * fails the step (take `onError`).
 */
export const enqueue: IvrActor<typeof enqueueParams> = {
  name: 'enqueue',
  params: enqueueParams,
  results: ['answered', 'callback', 'timedOut'],
  promptFiles: (params, language) => {
    const spoken = params.announcePosition || params.announceWait;
    const fixed = params.language;
    return [
      ...promptFiles(params.waitingPrompt),
      ...promptFiles(params.callback?.offerPrompt),
      ...promptFiles(params.callback?.confirmPrompt),
      ...(spoken ? [...positionPrompts, ...sayPromptNames(fixed ?? language)] : []).map((name) => ({
        name,
        language: fixed,
      })),
    ];
  },
  run: (params, step) => waitInQueue(params, step),
};

async function waitInQueue(params: EnqueueParams, step: StepContext): Promise<StepOutput> {
  const { session, acd } = step;
  const language = stepLanguage(params.language, step.flow);
  const contactId = session.callId;
  let queueId = params.queue;
  const report = (result: Extract<Disposition, { kind: 'queued' }>['result'], agentId?: string) =>
    step.report({ kind: 'queued', queueId, priority: params.priority, result, agentId });
  const updates = new ContactUpdates();
  // Watch before joining so an offer made during enqueue is not missed.
  const unwatch = acd.watch(contactId, (update) => updates.push(update));
  let leftQueue = false;
  let gaveUp = false;
  // The caller is gone or the flow moved on: give the place up so no agent
  // rings for nobody. Runs synchronously on abort so the runtime sees the
  // tracked work before it decides the flow is done.
  const giveUpPlace = () => {
    if (leftQueue || gaveUp) return;
    gaveUp = true;
    void step
      .track(acd.cancel(contactId, 'abandoned'))
      .catch((error: unknown) =>
        step.logger.warn({ err: error }, 'could not take an abandoned caller out of the queue'),
      );
  };
  step.signal.addEventListener('abort', giveUpPlace, { once: true });
  try {
    await acd.enqueue({
      contactId,
      channel: 'voice',
      queueId,
      requiredSkills: Object.entries(params.skills).map(([skill, minLevel]) => ({
        skill,
        minLevel,
      })),
      priority: params.priority,
      callerNumber: session.callerNumber,
      attributes: stringAttributes(step.flow.vars),
    });
    report('waiting');
    let firstCycle = true;
    for (;;) {
      let update = updates.take();
      if (update === undefined) {
        const prompts = [
          ...(firstCycle ? toPrompts(params.waitingPrompt, language, step.flow) : []),
          ...(await announcement(params, step, language)),
          ...(params.callback ? toPrompts(params.callback.offerPrompt, language, step.flow) : []),
        ];
        firstCycle = false;
        const cycle = new AbortController();
        const stopCycle = () => cycle.abort(step.signal.reason);
        step.signal.addEventListener('abort', stopCycle, { once: true });
        try {
          const input = session.collectDigits({
            prompts,
            minDigits: 1,
            maxDigits: 1,
            firstDigitTimeoutMs: params.announceEverySeconds * 1000,
            interDigitTimeoutMs: 1000,
            holdMusic: params.holdMusic,
            signal: cycle.signal,
          });
          const winner = await firstOf(input, updates.next(cycle.signal));
          if (winner.kind === 'first') {
            if (params.callback === undefined || winner.value.digits !== params.callback.key)
              continue;
            const number = interpolate(params.callback.number, step.flow);
            await acd.requestCallback(contactId, number);
            leftQueue = true;
            report('callback');
            await session.play(toPrompts(params.callback.confirmPrompt, language, step.flow), {
              signal: step.signal,
            });
            return { status: 'callback', callbackNumber: number };
          }
          update = winner.value;
        } finally {
          step.signal.removeEventListener('abort', stopCycle);
          cycle.abort(new Error('queue wait cycle over'));
        }
      }
      const outcome = await handleUpdate(update);
      if (outcome !== undefined) return outcome;
    }
  } finally {
    unwatch();
    step.signal.removeEventListener('abort', giveUpPlace);
    giveUpPlace();
  }

  async function handleUpdate(update: ContactUpdate): Promise<StepOutput | undefined> {
    switch (update.kind) {
      case 'offered':
      case 'requeued':
        return undefined;
      case 'overflowed':
        queueId = update.toQueueId;
        report('waiting');
        return undefined;
      case 'timedOut':
        leftQueue = true;
        report('timedOut');
        return { status: 'timedOut' };
      case 'accepted': {
        leftQueue = true;
        report('answered', update.agentId);
        const bridged = await session.bridge(
          { kind: 'agent', agentId: update.agentId },
          step.signal,
        );
        return { status: 'answered', agentId: update.agentId, talkMs: bridged.durationMs };
      }
    }
  }
}

async function announcement(
  params: EnqueueParams,
  step: StepContext,
  language: Language,
): Promise<Prompt[]> {
  const contactId = step.session.callId;
  const prompts: Prompt[] = [];
  const file = (name: string): Prompt => ({ kind: 'file', name, language });
  if (params.announcePosition) {
    const position = await step.acd.position(contactId);
    if (position !== null) {
      prompts.push(
        file('queue/you-are-number'),
        ...speakValue('number', String(position), language).map(file),
        file('queue/in-line'),
      );
    }
  }
  if (params.announceWait) {
    const waitSeconds = await step.acd.estimatedWaitSeconds(contactId);
    if (waitSeconds !== null) {
      const minutes = Math.max(1, Math.ceil(waitSeconds / 60));
      prompts.push(
        file('queue/estimated-wait'),
        ...speakValue('number', String(minutes), language).map(file),
        file('queue/minutes'),
      );
    }
  }
  return prompts;
}

/** The ACD shows flow variables on the agent's screen pop; it carries strings only. */
function stringAttributes(vars: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * Whichever of two promises settles first. The other is left to be aborted by
 * the caller; its eventual rejection is swallowed here so it cannot surface as
 * an unhandled rejection.
 */
async function firstOf<A, B>(
  first: Promise<A>,
  second: Promise<B>,
): Promise<{ kind: 'first'; value: A } | { kind: 'second'; value: B }> {
  void first.catch(() => undefined);
  void second.catch(() => undefined);
  return Promise.race([
    first.then((value) => ({ kind: 'first' as const, value })),
    second.then((value) => ({ kind: 'second' as const, value })),
  ]);
}
