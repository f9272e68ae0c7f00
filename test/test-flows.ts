/**
 * Test support: the smallest flows the voice tests publish, in CI and on
 * real servers.
 */

/**
 * Answer, optionally look something up (httpLookup into `vars.name`), speak
 * `text`, hang up. The hostile-caller tests speak what callers and CRMs
 * control through it.
 */
export function speakingFlow(
  id: string,
  text: string,
  options: { readonly lookupUrl?: string } = {},
): Record<string, unknown> {
  const speak = {
    invoke: {
      src: 'play',
      input: { prompt: [{ text, language: 'en' }] },
      onDone: 'bye',
      onError: 'bye',
    },
  };
  const lookup =
    options.lookupUrl === undefined
      ? {}
      : {
          lookup: {
            invoke: {
              src: 'httpLookup',
              input: { url: options.lookupUrl, map: { name: 'name' } },
              onDone: 'speak',
              onError: 'bye',
            },
          },
        };
  return {
    id,
    initial: 'answer',
    context: { language: 'en' },
    states: {
      answer: {
        invoke: { src: 'answer', onDone: options.lookupUrl === undefined ? 'speak' : 'lookup' },
      },
      ...lookup,
      speak,
      bye: { invoke: { src: 'hangup', onDone: 'done' } },
      done: { type: 'final' },
    },
  };
}

/**
 * Answer and wait in `queue` for an agent; the flow ends when the call does.
 * With `announceEverySeconds`, the caller hears their position and the
 * estimated wait that often.
 */
export function queueingFlow(
  id: string,
  queue: string,
  options: { readonly announceEverySeconds?: number } = {},
): Record<string, unknown> {
  const announce = options.announceEverySeconds !== undefined;
  return {
    id,
    initial: 'answer',
    context: { language: 'en' },
    states: {
      answer: { invoke: { src: 'answer', onDone: 'queue' } },
      queue: {
        invoke: {
          src: 'enqueue',
          input: {
            queue,
            announcePosition: announce,
            announceWait: announce,
            ...(announce ? { announceEverySeconds: options.announceEverySeconds } : {}),
          },
          onDone: 'done',
          onError: 'done',
        },
      },
      done: { type: 'final' },
    },
  };
}
