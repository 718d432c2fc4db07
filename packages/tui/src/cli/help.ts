/** Help texts; kept next to the command table so `--help` stays true to the code. */
export const MAIN_HELP = `gitmaint — a maintenance daemon for git repositories

Usage: gitmaint <command> [options]

Commands:
  run        watch repositories and run plugins (headless daemon); --once for one pass
  tui        live terminal UI over the same engine
  status     per repository: packs, loose objects, tmp files, locks, git processes
  reap       reclaim leaked temporary files and stale locks (tmp-pack-reaper)
  repack     decide on and run maintenance with cruft packs (cruft-writer)
  aggregate  one cheap pass rolling loose objects and small packs into one pack (aggregate-during-repack)
  snapshot   take a safe, throttled work-tree snapshot into a side git dir
  fds        descriptor use of gitmaint and its children; deleted packs held open (fd-leak-guard)
  archive    consistent, verified archive of a live (bare/mirror) repository; --restore (mirror-snapshot)
  plugins    list plugins with their state and source

Global options:
  --repo PATH     a repository (repeatable); default: the config's repos, else the current directory's
  --config FILE   config file (default: gitmaint.config.*, .gitmaintrc*, package.json#gitmaint, searched upwards)
  --json          machine-readable output (JSON lines for run)
  -h, --help      show help (also: gitmaint <command> --help)
  -v, --version   print the version

Exit codes: 0 ok, 1 the work failed, 2 bad usage or config.
Environment: GITMAINT_STATE_DIR (journal and state; default $XDG_STATE_HOME/gitmaint), GITMAINT_DEBUG=1 (stack traces).
Docs: README.md and docs/ in the gitmaint repository.
`;

export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: gitmaint run [--repo PATH ...] [--config FILE] [--json] [--once] [--verbose]

Watches every repository, turns what happens in objects/pack and in git processes into events,
and runs the plugins on them until SIGINT/SIGTERM (then shuts down cleanly: plugins stop, gitmaint's
git children are killed and what they left is removed).

  --once      one pass of every plugin's run over every repository, then exit (1 if any failed)
  --json      print every bus event as a JSON line ({"type": ..., ...event})
  --verbose   also print periodic repo.stats and debug log lines
`,
  status: `Usage: gitmaint status [--repo PATH ...] [--config FILE] [--json]

Per repository: packs, loose-object estimate, tmp files and bytes (and why each is kept), cruft packs,
locks and running git processes. --json prints one JSON object per repository (one per line) with keys
repo, packs, packBytes, looseObjects, tmpFiles, tmpBytes, cruftPacks, keptPacks, locks, gitProcesses, plugins.
`,
  plugins: `Usage: gitmaint plugins [--config FILE] [--json]

Lists the built-in plugins and those named in config (extraPlugins) with state, source and description.
`,
  aggregate: `Usage: gitmaint aggregate [--repo PATH ...] [--dry-run] [--json]

One cheap pass of aggregate-during-repack: all loose objects into one pack, then settled small packs
(no .keep/.mtimes/.bitmap/.promisor, not in the multi-pack-index) rolled into one, without delta
search. Refuses while a repack/gc/maintenance runs (the daemon aggregates during it instead).
`,
  reap: `Usage: gitmaint reap [--repo PATH ...] [--dry-run] [--min-age DURATION] [--json]

Removes leaked temporary files (tmp_pack_*, tmp_obj_*, quarantine dirs ...), stale transfer .keep
files and stale locks that tmp-pack-reaper can prove dead. Every deletion is journaled first.

  --dry-run            show what would be deleted and why; delete nothing
  --min-age DURATION   override every kind's minimum age (e.g. 0, 30s, 2m)
  --json               {"deleted": [{"path","bytes","reason"}], "kept": [{"path","reason"}], "bytesFreed"}
`,
  repack: `Usage: gitmaint repack [--dry-run] [--json] [--auto | --full | --geometric] [--repo PATH ...]

Runs cruft-writer: --auto (default) decides from packs, loose objects and the last full repack and
prints the decision with its reason; --full forces a full repack with cruft packs; --geometric a
geometric repack. --dry-run only prints the decision.
`,
  snapshot: `Usage: gitmaint snapshot --git-dir DIR --work-tree DIR [--timeout 30s] [--exclude PATTERN ...] [--json]

Takes a snapshot of a work tree into a side git dir (add + write-tree) with a timeout that kills the
process tree, and prints the tree id ({"tree": "<oid>", "fresh": true} with --json). Exit 1 with a
one-line reason on failure or timeout, 2 on bad arguments.
`,
  archive: `Usage: gitmaint archive [--repo PATH] --out FILE [--allow-empty] [--wait DURATION] [--json]
       gitmaint archive --restore FILE --to DIR [--json]

Archives a live repository (mirror-snapshot) as a tar of a bare repository: under its fetch and
maintenance locks, refs are resolved first, objects copied after; the staged copy is verified (refs
match and resolve, git fsck --connectivity-only, not empty) before FILE is written by rename, with
FILE.sha256 beside it. A copy that fails verification is never published.
--restore checks FILE against FILE.sha256, extracts it into DIR.tmp-<pid>, verifies it again and only
then renames it to DIR (which must not exist, or be empty).

  --out FILE        the archive to write (its directory must exist)
  --allow-empty     archive a repository that has no refs (refused otherwise)
  --wait DURATION   wait this long for the repository's locks (default: skip at once when busy)
  --json            {"archive","bytes","refs","objects","sha256","verified":true,...}
                    (restore: {"restored","archive","sha256","refs","objects","verified":true})
Exit 0 ok, 1 refused/failed/busy (nothing published, nothing written at DIR), 2 bad arguments.
`,
  fds: `Usage: gitmaint fds [--repo PATH ...] [--json]

Samples the descriptor counts of gitmaint, its git children and the processes configured under
plugins.fd-leak-guard.watch, and lists processes holding deleted files of the repository open (disk
that df counts but no directory shows). Reports only: it closes and kills nothing.
`,
  tui: `Usage: gitmaint tui [--repo PATH ...] [--config FILE] [--log-file FILE]

Live terminal UI over the same engine as run. Press ? inside for the keys, q to quit.
--log-file FILE appends every log and action event there too.
`,
};
