import { answer } from './answer.ts';
import { enqueue } from './enqueue.ts';
import { gather } from './gather.ts';
import { hangup } from './hangup.ts';
import { httpLookup } from './http-lookup.ts';
import type { IvrActor } from './ivr-actor.ts';
import { menu } from './menu.ts';
import { play } from './play.ts';
import { record } from './record.ts';
import { say } from './say.ts';
import { setVariables } from './set-variables.ts';
import { transfer } from './transfer.ts';
import { voicemail } from './voicemail.ts';

/** Every step a flow may invoke, by the name flow files use. Adding a step means adding a row. */
export const actorTable: ReadonlyMap<string, IvrActor> = new Map(
  (
    [
      answer,
      play,
      say,
      gather,
      menu,
      record,
      voicemail,
      enqueue,
      transfer,
      httpLookup,
      setVariables,
      hangup,
    ] as unknown as IvrActor[]
  ).map((actor) => [actor.name, actor]),
);
