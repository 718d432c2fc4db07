/** Why an archive or a restore was not made. All exit 1 (the work failed); nothing was published. */
import { GitmaintError } from "@gitmaint/core";

export type ArchiveFailure =
  /** The repository's locks were busy: nothing was attempted. */
  | "skipped"
  /** The source cannot be archived as asked (broken ref, no refs, alternates). */
  | "refused"
  /** The staged or extracted copy failed verification. */
  | "unverified"
  /** The archive file is damaged (checksum, manifest, unreadable tar). */
  | "corrupt";

export class ArchiveError extends GitmaintError {
  readonly failure: ArchiveFailure;
  constructor(failure: ArchiveFailure, message: string, options?: ErrorOptions) {
    super(message, `E_ARCHIVE_${failure.toUpperCase()}`, 1, options);
    this.failure = failure;
  }
}
