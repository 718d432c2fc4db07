/**
 * Turns flags + config into an Engine: loads the config, the built-in plugins and the third-party
 * ones (extraPlugins), applies enabled flags, and picks the repositories.
 */
import {
  type Bus,
  ConfigError,
  Engine,
  didYouMean,
  importPlugin,
  loadConfig,
  type GitmaintConfig,
  type PluginDefinition,
  type PluginSpec,
} from "@gitmaint/core";
import { builtinPlugins } from "@gitmaint/plugins";
import type { GlobalValues } from "./args.js";

export interface SetupOptions {
  watch: boolean;
  /** Subscribe to the bus before the engine starts. */
  subscribe?: (bus: Bus) => void;
  /** Load plugins (default true). */
  plugins?: boolean;
}

export async function readConfig(values: GlobalValues): Promise<GitmaintConfig> {
  return loadConfig(values.config ? { file: values.config } : {});
}

/** Built-in + configured plugin specs, with unknown names under `plugins.` rejected. */
export async function pluginSpecs(config: GitmaintConfig): Promise<PluginSpec[]> {
  const specs: PluginSpec[] = builtinPlugins.map((definition: PluginDefinition) => ({
    definition,
    source: "builtin",
    options: config.pluginOptions[definition.name],
    enabled: config.pluginEnabled[definition.name] ?? true,
  }));
  for (const extra of config.extraPlugins) {
    const definition = await importPlugin(extra.ref, config.dir);
    specs.push({
      definition,
      source: extra.ref,
      options: { ...(config.pluginOptions[definition.name] ?? {}), ...(extra.options ?? {}) },
      enabled: config.pluginEnabled[definition.name] ?? true,
    });
  }
  const names = specs.map((s) => s.definition.name);
  for (const name of [...Object.keys(config.pluginOptions), ...Object.keys(config.pluginEnabled)]) {
    if (names.includes(name)) continue;
    const hint = didYouMean(name, names);
    throw new ConfigError(
      `${config.file ?? "config"}: unknown plugin "plugins.${name}"${hint ? ` (did you mean "plugins.${hint}"?)` : ""}`,
      { ...(config.file ? { file: config.file } : {}), key: `plugins.${name}` },
    );
  }
  return specs;
}

export function repoPaths(values: GlobalValues, config: GitmaintConfig): string[] {
  if (values.repo && values.repo.length > 0) return values.repo;
  if (config.repos.length > 0) return config.repos;
  return [process.cwd()];
}

export async function createEngine(values: GlobalValues, options: SetupOptions): Promise<Engine> {
  const config = await readConfig(values);
  const plugins = options.plugins === false ? [] : await pluginSpecs(config);
  return Engine.create({
    repos: repoPaths(values, config),
    plugins,
    watch: options.watch,
    ...(options.subscribe ? { subscribe: options.subscribe } : {}),
    ...(config.file ? { configFile: config.file } : {}),
    ...config.daemon,
  });
}
