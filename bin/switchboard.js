#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader, so `npx switchboard`
// works from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../app/cli.ts');
