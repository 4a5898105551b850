// Builds tokens from chain specs through the public API and computes, independently of
// authorize, what a token's blocks, authors and principal rule should be.
import { delegate, mintDelegation, type RootKeyring } from '../../../src/delegation/index.js';
import { evaluateCaveat } from '../../../src/scope/index.js';
import { BASE_TIME, type Hop } from './_arbitraries.js';

export interface ExpectedCondition {
  readonly index: number;
  readonly block: number;
  readonly author: string;
  readonly text: string;
}

export interface BuiltChain {
  readonly token: string;
  readonly conditions: readonly ExpectedCondition[];
  /** The last marker (index, block, author, principal), or null for a bearer token. */
  readonly marker: {
    readonly index: number;
    readonly block: number;
    readonly author: string;
    readonly principal: string;
  } | null;
}

export interface ChainSpec {
  readonly first: string | undefined;
  readonly owner: readonly string[];
  readonly hops: readonly Hop[];
}

export function buildChain(ring: RootKeyring, spec: ChainSpec): BuiltChain {
  let token = mintDelegation(ring, {
    ...(spec.first === undefined ? {} : { to: spec.first }),
    conditions: spec.owner,
  });
  for (const hop of spec.hops) token = delegate(token, hop).token;

  // The model: block 0 is the owner's; a marker opens a new block unless block 0 is still empty.
  const conditions: ExpectedCondition[] = [];
  let marker: BuiltChain['marker'] = null;
  let index = 0;
  let block = 0;
  let author = 'owner';
  let grantee: string | null = null;
  let blockEmpty = true;
  const openMarker = (principal: string): void => {
    if (!(block === 0 && blockEmpty)) {
      author = grantee ?? 'bearer';
      block += 1;
    }
    grantee = principal;
    marker = { index, block, author, principal };
    blockEmpty = false;
    index += 1;
  };
  const addConditions = (texts: readonly string[]): void => {
    for (const text of texts) {
      conditions.push({ index, block, author, text });
      blockEmpty = false;
      index += 1;
    }
  };
  if (spec.first !== undefined) openMarker(spec.first);
  addConditions(spec.owner);
  for (const hop of spec.hops) {
    openMarker(hop.to);
    addConditions(hop.conditions);
  }
  return { token, conditions, marker };
}

export interface RequestSpec {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly hours: number;
  readonly principal: string | undefined;
}

export function toRequest(spec: RequestSpec) {
  return {
    request: {
      tool: spec.tool,
      args: spec.args,
      ...(spec.principal === undefined ? {} : { principal: spec.principal }),
    },
    now: new Date(BASE_TIME + spec.hours * 3600_000),
  };
}

/** What authorize must say, from the evaluator alone: the indices that must fail. */
export function expectedFailures(chain: BuiltChain, spec: RequestSpec): number[] {
  const { request, now } = toRequest(spec);
  const failing: number[] = [];
  if (chain.marker !== null && spec.principal !== chain.marker.principal)
    failing.push(chain.marker.index);
  for (const c of chain.conditions) {
    if (!evaluateCaveat(c.text, { tool: request.tool, args: request.args, time: now }).holds)
      failing.push(c.index);
  }
  return failing.sort((a, b) => a - b);
}
