import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { renderLuaKeyBuilders } from '../acd-keys.ts';

/** One ACD Lua script, includes resolved, ready for `defineCommand`. */
export interface ScriptSource {
  /** File name without `-<numKeys>.lua`, e.g. `enqueue`. */
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
  /** Command name on the connection: versioned by content, so two releases never share one. */
  readonly commandName: string;
}

const scriptsDir = new URL('./', import.meta.url);
const includePattern = /^--- @include "([a-z-]+)"$/gm;

function readInclude(name: string): string {
  if (name === 'keys') return renderLuaKeyBuilders();
  return readFileSync(new URL(`./includes/${name}.lua`, scriptsDir), 'utf8');
}

function resolveIncludes(lua: string): string {
  return lua.replace(includePattern, (_, name: string) => readInclude(name));
}

/** Reads every `name-<numKeys>.lua` beside this module. */
export function loadScriptSources(): readonly ScriptSource[] {
  const sources: ScriptSource[] = [];
  for (const file of readdirSync(scriptsDir)) {
    const match = /^([a-z-]+)-(\d+)\.lua$/.exec(file);
    if (!match?.[1] || !match[2]) continue;
    const lua = resolveIncludes(readFileSync(new URL(file, scriptsDir), 'utf8'));
    const version = createHash('sha1').update(lua).digest('hex').slice(0, 10);
    sources.push({
      name: match[1],
      numberOfKeys: Number(match[2]),
      lua,
      commandName: `acd_${match[1].replaceAll('-', '_')}_${version}`,
    });
  }
  return sources;
}
