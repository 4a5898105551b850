/**
 * Whether a process running as some OS user could read the owner's root keys or write the
 * request store of a home: whoever reads `keys.json` can mint any delegation, and whoever
 * writes `mandate.db` can plant an approve policy. `mandate run` asks this before it starts an
 * agent. The answer is conservative: root reaches every file, the files' owner reaches them,
 * and so does anyone when group or others have any access (directory permissions and group
 * membership are not weighed).
 */
import { lstatSync, type Stats } from 'node:fs';
import type { Home } from './home.js';

/** A file of a home that the process could reach, and why. */
export interface Exposure {
  readonly path: string;
  readonly why: string;
}

/**
 * The files of `homes` (key file and store, those that exist) that a process running as `uid`
 * could reach; `[]` when it could reach none. `uid` is `undefined` where the platform has no
 * uids, and then every file counts as reachable.
 *
 * @example
 * ```ts
 * exposedTo(65534, [ctx.home]); // [] for a home of 0600 files owned by someone else
 * ```
 */
export function exposedTo(uid: number | undefined, homes: readonly Home[]): Exposure[] {
  const found: Exposure[] = [];
  for (const home of homes) {
    const files = [home.keyFile, home.storeFile, `${home.storeFile}-wal`, `${home.storeFile}-shm`];
    for (const path of files) {
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (stat === undefined) continue;
      const why = reachable(uid, stat);
      if (why !== undefined) found.push({ path, why });
    }
  }
  return found;
}

function reachable(uid: number | undefined, stat: Stats): string | undefined {
  if (uid === undefined) return 'this platform cannot tell who may read it';
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (uid === 0) return 'root can read every file';
  if (uid === stat.uid) return 'it belongs to that user';
  if ((stat.mode & 0o066) !== 0) return 'group or others may access it';
  return undefined;
}
