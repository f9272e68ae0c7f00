/**
 * Which folder may import which (checked in CI by `npm run deps:check`).
 * The ports live with their callers, so flows and the flow runtime stay free of
 * media adapters and SQL; `app/` wires everything and is imported by nothing.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'nothing-imports-app',
      comment:
        'app/ is the composition root: only its own files (and its tests) import it, and the real-server sipp suite and the reliability suite (test/faults), which start the voice path as the service does.',
      severity: 'error',
      from: { pathNot: '^(app|test/sipp|test/faults)/' },
      to: { path: '^app/' },
    },
    {
      name: 'flow-runtime-stays-pure',
      comment: 'flows/ and ivr/ talk to media and storage only through ports (CallSession, Acd).',
      severity: 'error',
      from: { path: '^(flows|ivr)/' },
      to: { path: '^(media|sql|api|channels|web)/' },
    },
    {
      name: 'routing-independent-of-edges',
      comment: 'The ACD knows Redis, not HTTP, SIP, media or SQL.',
      severity: 'error',
      from: { path: '^routing/' },
      to: { path: '^(media|sql|api|channels|web)/' },
    },
    {
      name: 'routing-uses-only-ivr-ports',
      comment: 'routing/ implements the ACD port owned by ivr/ and nothing else of it.',
      severity: 'error',
      from: { path: '^routing/' },
      to: { path: '^ivr/', pathNot: '^ivr/(acd|acd-contract|in-memory-acd)\\.ts$' },
    },
    {
      name: 'platform-is-a-leaf',
      comment: 'platform/ (clock, ids, logger, errors) is used by every part and uses none.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(app|api|channels|flows|ivr|media|routing|sql|web)/' },
    },
    {
      name: 'sql-is-storage-only',
      comment: 'sql/ holds migrations, table types and repositories: no rules, no transport.',
      severity: 'error',
      from: { path: '^sql/' },
      to: { path: '^(app|api|channels|ivr|media|routing|web)/' },
    },
    {
      name: 'production-code-skips-test-helpers',
      severity: 'error',
      from: {
        path: '^(api|channels|flows|ivr|media|routing|sql|web|platform|app)/',
        pathNot: '\\.test\\.ts$|contract\\.ts$|/test-[a-z-]+\\.ts$',
      },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(app|api|bench|channels|flows|ivr|media|platform|routing|sql|test|web)/',
    exclude: { path: '^(node_modules|dist|var)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
