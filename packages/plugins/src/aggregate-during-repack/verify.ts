/**
 * The last check before a roll-up deletes its inputs when its output was not installed by this
 * cycle (a pack of that name was already there, or someone's `.keep` of that name blocked the
 * install): objects/pack must hold a complete `pack-<hash>.idx` + `.pack` whose `.idx` lists every
 * object of the inputs that is not also in a pack certain to survive (the excluded packs).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { isIdxComplete } from "@gitmaint/core";
import { idxObjectIds, type PackInfo } from "./pack-dir.js";

/** Why deleting `victims` would lose objects, or undefined when `pack-<hash>` holds them all. */
export async function whyNotCovered(packDir: string, hash: string, victims: readonly PackInfo[], survivors: readonly PackInfo[]): Promise<string | undefined> {
  const base = join(packDir, `pack-${hash}`);
  const pack = await stat(`${base}.pack`).catch(() => undefined);
  if (!pack?.isFile() || !(await isIdxComplete(`${base}.idx`).catch(() => false))) return `pack-${hash} is not installed (no complete .idx and .pack)`;
  const inOutput = new Set(await idxObjectIds(`${base}.idx`));
  let elsewhere: Set<string> | undefined;
  for (const v of victims) {
    for (const oid of await idxObjectIds(join(packDir, `${v.name}.idx`))) {
      if (inOutput.has(oid)) continue;
      elsewhere ??= new Set((await Promise.all(survivors.map((s) => idxObjectIds(join(packDir, `${s.name}.idx`)).catch(() => [])))).flat());
      if (!elsewhere.has(oid)) return `${oid} of ${v.name} is not in pack-${hash}`;
    }
  }
  return undefined;
}
