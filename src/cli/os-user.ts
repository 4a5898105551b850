/**
 * Finding an operating-system account by name or uid, for `mandate run --user`: the uid and gid
 * to start the agent with, and the home directory to give it instead of the owner's. Node has no
 * `getpwnam`, so this asks `getent passwd` (which also consults NSS: LDAP, systemd-homed…) and
 * reads `/etc/passwd` where `getent` is missing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One account of the system's user database. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/**
 * The account named `nameOrUid` (a user name, or a numeric uid), or `undefined` when the system
 * knows none.
 *
 * @example
 * ```ts
 * lookupUser('nobody'); // { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' }
 * ```
 */
export function lookupUser(nameOrUid: string): OsUser | undefined {
  let entries: string;
  try {
    entries = execFileSync('getent', ['passwd', nameOrUid], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    entries = readFileSync('/etc/passwd', 'utf8');
  }
  for (const line of entries.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined || home === undefined)
      continue;
    if (name !== nameOrUid && uid !== nameOrUid) continue;
    return { name, uid: Number(uid), gid: Number(gid), home };
  }
  return undefined;
}
