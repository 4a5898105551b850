/**
 * The home's key file (`keys.json`): the owner's live root keys, in the delegation layer's own
 * export format, plus a record of retired key ids (no secrets) so that `mandate keys list` can
 * still say what happened to them. Reading goes through `Home.readKeyFile`, which refuses a file
 * that anyone but its owner can access; the shape is checked here and any fault is one line
 * naming the file.
 *
 * ```json
 * { "format": "mandate-keys/1",
 *   "keys":    [{ "id": "…", "secret": "…", "createdAt": "…" }],
 *   "retired": [{ "id": "…", "createdAt": "…", "retiredAt": "…" }] }
 * ```
 */
import { RootKeyring, type ExportedRootKey } from '../delegation/index.js';
import { CliError } from './cli-error.js';
import type { Home } from './home.js';

const FORMAT = 'mandate-keys/1';

/** A key that no longer verifies anything; kept for the record. */
export interface RetiredKey {
  readonly id: string;
  readonly createdAt: string;
  readonly retiredAt: string;
}

/** The decoded key file. */
export interface KeyFile {
  /** Live keys, oldest first: the last one signs new delegations. */
  readonly keyring: RootKeyring;
  readonly retired: readonly RetiredKey[];
}

/**
 * Loads the keyring of an initialized home.
 *
 * @throws CliError `ERR_CLI_NO_HOME`, `ERR_CLI_UNSAFE_PERMISSIONS` or `ERR_CLI_KEY_FILE`.
 * @example
 * ```ts
 * const { keyring } = loadKeyFile(home);
 * authorize(token, request, { rootKeys: keyring });
 * ```
 */
export function loadKeyFile(home: Home): KeyFile {
  const data = home.readKeyFile();
  const bad = (what: string, cause?: unknown): CliError =>
    new CliError(
      'ERR_CLI_KEY_FILE',
      `key file ${home.keyFile} is damaged: ${what}`,
      { path: home.keyFile },
      { cause },
    );
  if (
    typeof data !== 'object' ||
    data === null ||
    (data as { format?: unknown }).format !== FORMAT
  ) {
    throw bad(`it is not a ${FORMAT} file`);
  }
  const { keys, retired } = data as { keys?: unknown; retired?: unknown };
  if (!Array.isArray(keys) || keys.length === 0) throw bad('it holds no live key');
  let keyring: RootKeyring;
  try {
    keyring = RootKeyring.import({ keys: keys as ExportedRootKey[] });
  } catch (err) {
    // The delegation layer's messages name the field, never the secret.
    throw bad((err as Error).message, err);
  }
  const record: RetiredKey[] = [];
  for (const r of Array.isArray(retired) ? (retired as unknown[]) : []) {
    const { id, createdAt, retiredAt } = (r ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof createdAt !== 'string' || typeof retiredAt !== 'string')
      throw bad('a retired entry is malformed');
    record.push({ id, createdAt, retiredAt });
  }
  return { keyring, retired: record };
}

/**
 * Writes the key file atomically with mode 0600.
 *
 * @example
 * ```ts
 * saveKeyFile(home, { keyring: new RootKeyring([createRootKey()]), retired: [] });
 * ```
 */
export function saveKeyFile(home: Home, file: KeyFile): void {
  home.writeKeyFile({ format: FORMAT, keys: file.keyring.export().keys, retired: file.retired });
}
