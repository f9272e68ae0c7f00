import {
  YamlNestingScan,
  type YamlNestingBreach,
  type YamlNestingLimits,
} from './yaml-nesting-scan.ts';

export type { YamlNestingBreach, YamlNestingLimits };

/**
 * Bounds how deeply YAML text can nest without parsing it: one pass, no
 * recursion, no regular expression. YAML nests three ways, each bounded here:
 * - flow collections `[ {`: counted outside quoted scalars, comments and
 *   block scalars, at most `maxFlowDepth` open at once;
 * - indentation and compact indicators (`- - -`, `? `): every block level
 *   moves content right, so the column where content starts after leading
 *   spaces and indicators is at most `maxIndent`;
 * - structure YAML forbids but the `yaml` parser recovers from by nesting,
 *   without bound (per line, and across lines at one indentation): a second
 *   `: ` after a key on one line (`a: b: c:`), a `- ` inside `[ ]` or `{ }`,
 *   text after a block scalar header; refused outright.
 *
 * Deciding what is quoted, a comment or a scalar follows the tokenizer of the
 * `yaml` package (its `Lexer`) rule for rule, so no bracket or indicator that
 * parser acts on is skipped; `yaml-nesting.test.ts` checks this against the
 * parser itself. With these bounds a block level costs at most two columns
 * (a sequence may sit at its parent key's indentation), so the parser nests
 * at most about 2 × maxIndent + maxFlowDepth levels; callers check the exact
 * depth of the parsed result too.
 *
 * @example
 * findYamlNestingBreach('a: [1, 2]\n', { maxFlowDepth: 64, maxIndent: 256 }); // undefined
 */
export function findYamlNestingBreach(
  text: string,
  limits: YamlNestingLimits,
): YamlNestingBreach | undefined {
  return new YamlNestingScan(text, limits).run();
}
