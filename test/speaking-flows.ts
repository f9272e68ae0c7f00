/**
 * Test support: the smallest flow that speaks text to a caller: answer,
 * optionally look something up (httpLookup into `vars.name`), speak, hang up.
 * The hostile-caller tests, in CI and on real servers, speak what callers and
 * CRMs control through it.
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
