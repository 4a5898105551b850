/**
 * Writing a secret to a file so that a reader never sees half of it and nobody else can read
 * it: a fresh file beside the target, created exclusively with mode 0600, written, flushed and
 * renamed over the target in one step. A crash leaves the old content or the new, never a
 * truncated mix; a symlink at the target is replaced, not followed. The key file and the
 * tokens `status --out` and `request --out` pick up are written this way.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `text` atomically, mode 0600. Errors are the file system's (`ENOENT`
 * for a missing directory, `EISDIR` for a directory at `path`…); the temporary file is removed
 * on failure.
 *
 * @example
 * ```ts
 * writeFileAtomically('agent.token', `${token}\n`);
 * ```
 */
export function writeFileAtomically(path: string, text: string): void {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // Closed already, before the rename failed.
    }
    unlinkSync(temp);
    throw err;
  }
}
