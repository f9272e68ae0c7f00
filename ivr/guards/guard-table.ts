import { agentsAvailable } from './agents-available.ts';
import { callerHasTag } from './caller-has-tag.ts';
import { callerMatches } from './caller-matches.ts';
import { digitsEqual } from './digits-equal.ts';
import { digitsMatch } from './digits-match.ts';
import { estimatedWaitAbove } from './estimated-wait-above.ts';
import type { IvrGuard } from './ivr-guard.ts';
import { menuChoice } from './menu-choice.ts';
import { resultIs } from './result-is.ts';
import { variableCompare } from './variable-compare.ts';
import { withinBusinessHours } from './within-business-hours.ts';

/** Every guard a flow may name, by the name flow files use. */
export const guardTable: ReadonlyMap<string, IvrGuard> = new Map(
  (
    [
      digitsEqual,
      digitsMatch,
      menuChoice,
      resultIs,
      withinBusinessHours,
      callerHasTag,
      callerMatches,
      variableCompare,
      agentsAvailable,
      estimatedWaitAbove,
    ] as unknown as IvrGuard[]
  ).map((guard) => [guard.name, guard]),
);
