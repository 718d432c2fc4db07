/** A resolved git repository. `id` is the absolute common git dir and is the Bus `repo` key. */
export interface Repository {
  /** Absolute, realpath'd common git dir (shared by linked worktrees). */
  id: string;
  /** Absolute git dir of this checkout (differs from commonDir for linked worktrees). */
  gitDir: string;
  commonDir: string;
  /** Absolute objects directory (honours GIT_OBJECT_DIRECTORY). */
  objectsDir: string;
  /** `<objectsDir>/pack` */
  packDir: string;
  /** Work tree root, or null for bare repositories. */
  workTree: string | null;
  bare: boolean;
  /** Short display name (work tree or git dir basename). */
  name: string;
}

/** A point-in-time summary of a repository's object store. */
export interface RepoStats {
  packs: number;
  packBytes: number;
  /** Packs with a `.mtimes` sidecar. */
  cruftPacks: number;
  /** Packs with a `.keep` sidecar. */
  keptPacks: number;
  /** Loose objects, estimated from one sampled fan-out dir (like `git gc --auto`) x 256. */
  looseObjects: number;
  /** Whether looseObjects is exact (all 256 dirs counted) or sampled. */
  looseExact: boolean;
  tmpFiles: number;
  tmpBytes: number;
  /** Known lock files present (relative to the git dir). */
  locks: string[];
  /** Total bytes under objects/ that were counted (packs + tmp; loose bytes estimated). */
  sizeBytes: number;
}
