/**
 * `mandate init` and `mandate keys rotate|list|retire`: the owner's root keys. `init` creates the
 * home (0700) and a first key in `keys.json` (0600); `rotate` adds a key that signs from then on
 * while older keys keep verifying; `retire` removes a key so that every token it minted stops
 * verifying at once. Secrets are never printed: only key ids and dates.
 */
import type { Command } from 'commander';
import { createRootKey, RootKeyring } from '../../delegation/index.js';
import { createOwnerCredential } from '../../server/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { saveKeyFile, type KeyFile } from '../keyfile.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface IdOption {
  readonly id?: string;
}

/**
 * Registers `init` and `keys`.
 *
 * @example
 * ```ts
 * registerKeyCommands(program, action);
 * ```
 */
export function registerKeyCommands(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('init')
      .description('create the home directory (0700) and a first root key (keys.json, 0600)')
      .option('--id <keyId>', 'the key id to write into tokens (default: random)')
      .action(action<IdOption>((ctx, _args, opts) => init(ctx, opts))),
    [
      'mandate init',
      'mandate init --home ./owner-home',
      'MANDATE_HOME=/srv/mandate mandate init --json',
    ],
  );

  const keys = withExamples(
    program.command('keys').description('list, rotate and retire root keys'),
    ['mandate keys list', 'mandate keys rotate && mandate keys retire <old-key-id>'],
  );
  withExamples(
    keys.command('list').description('list the root keys (ids and dates, never secrets)'),
    ['mandate keys list'],
  ).action(action((ctx) => list(ctx)));
  withExamples(
    keys
      .command('rotate')
      .description(
        'add a new root key; it signs new tokens, older keys keep verifying until retired',
      )
      .option('--id <keyId>', 'the new key id (default: random)'),
    ['mandate keys rotate', 'mandate keys rotate --id 2026-06'],
  ).action(action<IdOption>((ctx, _args, opts) => rotate(ctx, opts)));
  withExamples(
    keys
      .command('retire')
      .description('remove a root key: every token it minted stops verifying')
      .argument('<keyId>', 'the key to retire (see mandate keys list)'),
    ['mandate keys retire 2026-05'],
  ).action(action((ctx, args) => retire(ctx, String(args[0]))));
}

function init(ctx: Context, opts: IdOption): ExitCode {
  const home = ctx.home;
  if (home.initialized()) {
    throw new CliError(
      'ERR_CLI_HOME_EXISTS',
      `${home.path} is already a mandate home; use "mandate keys rotate" for a new key`,
      {
        home: home.path,
      },
    );
  }
  home.create();
  const key = createRootKey(keyOptions(ctx, opts));
  const file: KeyFile = { keyring: new RootKeyring([key]), retired: [] };
  saveKeyFile(home, file);
  home.writeOwnerCredential(createOwnerCredential());
  ctx.keysChanged(file);
  const out = ctx.out;
  out.data({
    home: home.path,
    keyFile: home.keyFile,
    storeFile: home.storeFile,
    ownerCredentialFile: home.ownerCredentialFile,
    key: key.toJSON(),
  });
  out.line(`${out.style.green('✓')} created mandate home ${out.style.bold(home.path)}`);
  out.fields(
    [
      ['root key', `${key.id} (in ${home.keyFile}, mode 0600)`],
      ['store', home.storeFile],
      ['owner credential', `${home.ownerCredentialFile} (0600; for mandate serve, not a root key)`],
    ],
    '  ',
  );
  out.line();
  out.line(`next: mandate mint --to <agent> --allow '<condition>' --expires 30d`);
  return EXIT.ok;
}

function list(ctx: Context): ExitCode {
  const { keyring, retired } = ctx.keys();
  const signing = keyring.signingKey.id;
  const rows: { id: string; createdAt: string; status: string; retiredAt?: string }[] = [
    ...keyring.keys().map((k) => ({
      id: k.id,
      createdAt: k.createdAt.toISOString(),
      status: k.id === signing ? 'signing' : 'live',
    })),
    ...retired.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      status: 'retired',
      retiredAt: r.retiredAt,
    })),
  ];
  const out = ctx.out;
  out.data({ keys: rows });
  const s = out.style;
  out.table(
    ['KEY', 'CREATED', 'STATUS'],
    rows.map((r) => [
      r.id,
      r.createdAt,
      r.status === 'signing'
        ? s.green('signing (newest)')
        : r.status === 'live'
          ? 'live (verifies)'
          : s.dim(`retired ${r.retiredAt ?? ''}`),
    ]),
  );
  return EXIT.ok;
}

async function rotate(ctx: Context, opts: IdOption): Promise<ExitCode> {
  const { keyring, retired } = ctx.keys();
  if (opts.id !== undefined && retired.some((r) => r.id === opts.id)) {
    throw new CliError('ERR_CLI_BAD_INPUT', `key id "${opts.id}" was retired; choose another id`, {
      keyId: opts.id,
    });
  }
  const previous = keyring.signingKey.id;
  // Through the Delegator, which records the new key in the audit log (`key-add`).
  const delegator = await ctx.delegator();
  const key = await delegator.rotateKey(opts.id === undefined ? {} : { id: opts.id });
  saveKeyFile(ctx.home, { keyring, retired });
  const out = ctx.out;
  out.data({ key: key.toJSON(), previous, live: keyring.keys().map((k) => k.id) });
  out.line(`${out.style.green('✓')} new root key ${out.style.bold(key.id)} signs from now on`);
  out.line(
    `  ${previous} still verifies its tokens; retire it with: mandate keys retire ${previous}`,
  );
  return EXIT.ok;
}

async function retire(ctx: Context, id: string): Promise<ExitCode> {
  const { keyring, retired } = ctx.keys();
  const key = keyring.get(id);
  if (key === undefined) {
    throw new CliError('ERR_CLI_BAD_INPUT', `no live root key "${id}" (see mandate keys list)`, {
      keyId: id,
    });
  }
  if (keyring.size === 1) {
    throw new CliError(
      'ERR_CLI_BAD_INPUT',
      `"${id}" is the only live root key; run "mandate keys rotate" first`,
      { keyId: id },
    );
  }
  // Through the Delegator, which records the retirement in the audit log (`key-retire`).
  await (await ctx.delegator()).retireKey(id);
  const record = { id, createdAt: key.createdAt.toISOString(), retiredAt: ctx.now().toISOString() };
  saveKeyFile(ctx.home, { keyring, retired: [...retired, record] });
  const out = ctx.out;
  out.data({ retired: record, live: keyring.keys().map((k) => k.id) });
  out.line(
    `${out.style.green('✓')} retired root key ${out.style.bold(id)}: tokens it minted no longer verify`,
  );
  return EXIT.ok;
}

function keyOptions(ctx: Context, opts: IdOption): { id?: string; now: Date } {
  return opts.id === undefined ? { now: ctx.now() } : { id: opts.id, now: ctx.now() };
}
