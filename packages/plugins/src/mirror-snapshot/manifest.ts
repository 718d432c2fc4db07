/** The manifest stored as the first member of every archive (`gitmaint-snapshot.json`). */
import { ArchiveError } from "./errors.js";

export const MANIFEST_NAME = "gitmaint-snapshot.json";
/** The bare repository's directory inside the archive. */
export const REPO_DIR = "repo.git";
export const MANIFEST_FORMAT = "gitmaint-mirror-snapshot/1";

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** The source repository (its common git dir). */
  source: string;
  createdAt: string;
  objectFormat: string;
  head: string;
  refs: number;
  /** refsDigest() of the captured ref list. */
  refsSha256: string;
  objects: number;
}

export function encodeManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** Parses and checks a manifest's shape; a bad one means a corrupt archive. */
export function decodeManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ArchiveError("corrupt", `${MANIFEST_NAME} is not valid JSON`);
  }
  const m = value as Partial<Manifest> | null;
  if (
    !m ||
    m.format !== MANIFEST_FORMAT ||
    typeof m.refs !== "number" ||
    typeof m.refsSha256 !== "string" ||
    typeof m.objectFormat !== "string" ||
    typeof m.objects !== "number"
  )
    throw new ArchiveError("corrupt", `${MANIFEST_NAME} is not a ${MANIFEST_FORMAT} manifest`);
  return m as Manifest;
}
