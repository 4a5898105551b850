// inspectToken (unverified) and verifyDelegation (verified): the block view and its types.
import { describe, expect, it } from 'vitest';
import {
  RootKeyring,
  TokenInvalidError,
  createRootKey,
  delegate,
  inspectToken,
  mintDelegation,
  verifyDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const planner = mintDelegation(ring, {
  to: 'planner',
  conditions: ['tool ~ "fs.*"'],
  location: 'https://runner',
});
const coder = delegate(planner, {
  to: 'coder',
  conditions: ['args.path ~ "/repo/**"', 'tool != "fs.delete"'],
}).token;

describe('inspectToken', () => {
  it('shows the blocks with grantors, grantees and printed conditions, marked unverified', () => {
    const view = inspectToken(coder);
    expect(view).toEqual({
      verified: false,
      keyId: 'k1',
      delegationId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown,
      location: 'https://runner',
      principal: 'coder',
      askFrom: 'planner',
      id: expect.stringMatching(/^hop_[0-9a-f]{32}$/) as unknown,
      blocks: [
        {
          id: expect.stringMatching(/^hop_[0-9a-f]{32}$/) as unknown,
          block: 0,
          grantor: 'owner',
          grantee: 'planner',
          conditions: ['tool ~ "fs.*"'],
          unknownCaveats: [],
        },
        {
          id: view.id,
          block: 1,
          grantor: 'planner',
          grantee: 'coder',
          conditions: ['args.path ~ "/repo/**"', 'tool != "fs.delete"'],
          unknownCaveats: [],
        },
      ],
    });
  });

  it('reads tokens of unknown keys and forged signatures alike: it verifies nothing', () => {
    const elsewhere = mintDelegation(createRootKey({ id: 'other' }), { conditions: [] });
    expect(inspectToken(elsewhere).keyId).toBe('other');
  });

  it('shows a bearer token with no grantee and no principal', () => {
    const view = inspectToken(mintDelegation(ring, { conditions: ['tool == "a"'] }));
    expect(view.principal).toBeNull();
    expect(view.location).toBeNull();
    expect(view.blocks).toEqual([
      {
        id: view.id,
        block: 0,
        grantor: 'owner',
        grantee: null,
        conditions: ['tool == "a"'],
        unknownCaveats: [],
      },
    ]);
  });

  it('lists caveats it cannot read', () => {
    const token = encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(coder), 'frobnicate!'));
    expect(inspectToken(token).blocks[1]?.unknownCaveats).toEqual([
      {
        index: 5,
        caveat: 'frobnicate!',
        reason: expect.stringContaining('not a caveat') as unknown,
      },
    ]);
  });

  it.each([
    ['a number', 5, TypeError],
    ['garbage', 'xyz', TokenInvalidError],
    ['empty', '', TokenInvalidError],
  ])('refuses %s', (_name, token, error) => {
    expect(() => inspectToken(token as never)).toThrow(error);
  });
});

describe('verifyDelegation', () => {
  it('serializes to the same view, marked verified, without the token', () => {
    const delegation = verifyDelegation(coder, { rootKeys: ring });
    expect(JSON.stringify(delegation)).not.toContain(coder);
    const { verified, ...rest } = delegation.toJSON();
    expect(verified).toBe(true);
    const { verified: no, ...unverified } = inspectToken(coder);
    expect(no).toBe(false);
    expect(rest).toEqual(unverified);
  });

  it.each([
    [
      'an unknown key',
      () => verifyDelegation(coder, { rootKeys: [createRootKey({ id: 'k1' })] }),
      TokenInvalidError,
    ],
    ['garbage', () => verifyDelegation('zzz', { rootKeys: ring }), TokenInvalidError],
    ['no options', () => verifyDelegation(coder, undefined as never), TypeError],
    ['bad rootKeys', () => verifyDelegation(coder, { rootKeys: {} as never }), TypeError],
    ['a number token', () => verifyDelegation(1 as never, { rootKeys: ring }), TypeError],
  ])('refuses %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});
