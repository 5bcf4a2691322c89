import { readFileSync } from 'node:fs';
import { CliError, usage } from './errors.js';
import { checkValue, SERVE_OPTIONS, type ServeOption, type SettingValue } from './serve-options.js';

/** The checked `herald serve` settings, by flag name; a missing entry means "not set anywhere". */
export interface ServeSettings extends ReadonlyMap<string, SettingValue> {
  /**
   * Where each set value came from, by flag name: `flag`, `env NAME` or `config FILE: key`, for messages
   * about settings that conflict.
   */
  readonly sources: ReadonlyMap<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Flattens `{limits: {maxBatch: 5}}` into `limits.maxBatch → 5` (arrays are values, not groups). */
function flatten(
  obj: Record<string, unknown>,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (isObject(v)) flatten(v, `${key}.`, out);
    else out.set(key, v);
  }
  return out;
}

/** Reads the JSON config file; every key must be one of {@link SERVE_OPTIONS}' keys. */
function readConfigFile(file: string): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw usage(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(json)) throw usage(`config file ${file} must hold a JSON object`);
  const values = flatten(json);
  const known: ReadonlySet<string> = new Set(SERVE_OPTIONS.map((o) => o.key).filter(Boolean));
  for (const key of values.keys()) {
    if (!known.has(key)) throw usage(`config file ${file}: unknown key "${key}"`);
  }
  return values;
}

function fromEnv(opt: ServeOption, env: NodeJS.ProcessEnv): [string, string] | undefined {
  for (const name of opt.env) {
    const value = env[name];
    if (value !== undefined && value !== '') return [name, value];
  }
  return undefined;
}

/**
 * Resolves every setting: a flag wins over an environment variable, which wins over the config file.
 * Each value is checked, and a bad one is a usage error naming where it came from.
 */
export function resolveServeSettings(
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): ServeSettings {
  const configOpt = SERVE_OPTIONS.find((o) => o.flag === 'config') as ServeOption;
  const configFile = (flags.config as string | undefined) ?? fromEnv(configOpt, env)?.[1];
  const file = configFile === undefined ? new Map<string, unknown>() : readConfigFile(configFile);
  const settings = new Map<string, SettingValue>();
  const sources = new Map<string, string>();
  for (const opt of SERVE_OPTIONS) {
    const flag = flags[opt.flag];
    const fromVar = fromEnv(opt, env);
    let value: SettingValue | undefined;
    let source = 'flag';
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      value = checkValue(opt, flag, `--${opt.flag}`);
    } else if (fromVar !== undefined) {
      value = checkValue(opt, fromVar[1], fromVar[0]);
      source = `env ${fromVar[0]}`;
    } else if (opt.key !== '' && file.has(opt.key)) {
      value = checkValue(opt, file.get(opt.key), `${configFile}: ${opt.key}`);
      source = `config ${configFile}: ${opt.key}`;
    }
    if (value === undefined) continue;
    settings.set(opt.flag, value);
    sources.set(opt.flag, source);
  }
  return Object.assign(settings, { sources });
}
