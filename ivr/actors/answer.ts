import { z } from 'zod';
import type { IvrActor } from './ivr-actor.ts';

const answerParams = z.strictObject({});

/** Answers the call; a flow usually starts here. Result: `ok`. */
export const answer: IvrActor<typeof answerParams> = {
  name: 'answer',
  params: answerParams,
  results: ['ok'],
  async run(_params, step) {
    await step.session.answer(step.signal);
    return { status: 'ok' };
  },
};
