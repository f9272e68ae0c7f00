import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { renderLuaKeyBuilders } from '../acd-keys.ts';

/** One ACD Lua script, includes resolved. */
export interface ScriptSource {
  /** File name without `-<numKeys>.lua`, e.g. `enqueue`. */
  readonly name: string;
  readonly numberOfKeys: number;
  /** The whole script, includes resolved, runnable with EVAL. */
  readonly lua: string;
  /** The script's own statements (after its includes), the body of its function. */
  readonly body: string;
  /** Command and function name: versioned by content, so two releases never share one. */
  readonly commandName: string;
}

/**
 * Every script as one Redis Functions library: the includes are defined once
 * when the library loads, and each script is a function that only resets the
 * per-call state and runs its own statements (as EVAL, every call would
 * rebuild some hundred helper closures first).
 */
export interface FunctionLibrary {
  /** Versioned by content, like the function names. */
  readonly name: string;
  /** `#!lua name=...` source for FUNCTION LOAD. */
  readonly code: string;
  readonly scripts: readonly ScriptSource[];
}

const scriptsDir = new URL('./', import.meta.url);
const includePattern = /^--- @include "([a-z-]+)"$/gm;
/** Every include, in dependency order; the library holds them all. */
const libraryIncludes = ['context', 'keys', 'events', 'agent', 'contact', 'match', 'engagement'];

function readInclude(name: string): string {
  if (name === 'keys') return renderLuaKeyBuilders();
  return readFileSync(new URL(`./includes/${name}.lua`, scriptsDir), 'utf8');
}

function resolveIncludes(lua: string): string {
  return lua.replace(includePattern, (_, name: string) => readInclude(name));
}

function version(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}

/** Reads every `name-<numKeys>.lua` beside this module. */
export function loadScriptSources(): readonly ScriptSource[] {
  const sources: ScriptSource[] = [];
  for (const file of readdirSync(scriptsDir)) {
    const match = /^([a-z-]+)-(\d+)\.lua$/.exec(file);
    if (!match?.[1] || !match[2]) continue;
    const text = readFileSync(new URL(file, scriptsDir), 'utf8');
    const lastInclude = [...text.matchAll(includePattern)].at(-1);
    const split = lastInclude ? (lastInclude.index ?? 0) + lastInclude[0].length : 0;
    const body = text.slice(split);
    const lua = `${resolveIncludes(text.slice(0, split))}\nbeginCall(ARGV)\n${body}`;
    sources.push({
      name: match[1],
      numberOfKeys: Number(match[2]),
      lua,
      body,
      commandName: `acd_${match[1].replaceAll('-', '_')}_${version(lua)}`,
    });
  }
  return sources;
}

/**
 * All scripts as one library of functions. Function names carry the
 * library's version (a function name is global across libraries, so two
 * releases sharing a Redis must not both claim one).
 */
export function loadFunctionLibrary(): FunctionLibrary {
  const sources = loadScriptSources();
  const shared = libraryIncludes.map(readInclude).join('\n');
  const libVersion = version(shared + sources.map((s) => `${s.name}\n${s.body}`).join('\n'));
  const scripts = sources.map((s) => ({
    ...s,
    commandName: `acd_${s.name.replaceAll('-', '_')}_${libVersion}`,
  }));
  const functions = scripts.map(
    (s) =>
      `redis.register_function('${s.commandName}', function(KEYS, ARGV)\nbeginCall(ARGV)\n${s.body}\nend)`,
  );
  const name = `acd_${libVersion}`;
  return { name, code: `#!lua name=${name}\n${shared}\n${functions.join('\n')}\n`, scripts };
}
