/**
 * Subagents of a Claude Code session as principals of their own. Starting one (the `Agent` tool)
 * is itself a call the parent's token must allow; then a rule of the harness names the
 * subagent's principal and the conditions its delegation adds, and the adapter derives the
 * subagent's token from the parent's (so it can never exceed it). Claude Code tells the hooks of
 * a subagent's calls by `agent_id`, and announces each subagent (`SubagentStart`) with its id and
 * type only — not the call that started it — so a started delegation waits, by type, until a
 * subagent of that type appears, and is bound to its id. When two delegations of one type that
 * differ are waiting, which subagent gets which cannot be told: the subagent is bound to none, and
 * every call it makes is refused (fail closed).
 */
import type { AgentSession, SubagentOptions } from '../../tools/index.js';

/**
 * What a rule decides for a subagent: its principal (default: the agent type) and the conditions
 * its delegation adds to the parent's, and a lifetime in seconds.
 *
 * @example
 * ```ts
 * const rule: ClaudeSubagentRule = { to: 'reviewer', conditions: ['tool in ["Read", "Grep"]'], expiresIn: 900 };
 * ```
 */
export interface ClaudeSubagentRule {
  readonly to?: string;
  readonly conditions: readonly string[];
  readonly expiresIn?: number;
}

/**
 * What a rule function learns of a subagent being started.
 *
 * @example
 * ```ts
 * const rule = (spawn: ClaudeSubagentSpawn) => spawn.agentType === 'reviewer' ? { conditions: ['tool == "Read"'] } : undefined;
 * ```
 */
export interface ClaudeSubagentSpawn {
  /** `subagent_type` of the `Agent` call (`general-purpose` when it names none). */
  readonly agentType: string;
  readonly description: string;
  readonly prompt: string;
  /** The session of the agent starting it (the main agent's, or a subagent's). */
  readonly parent: AgentSession;
}

/**
 * The rules for subagents: by agent type, or a function. A type without a rule cannot be
 * started (the `Agent` call is refused).
 *
 * @example
 * ```ts
 * const rules: ClaudeSubagentRules = { reviewer: { conditions: ['tool in ["Read", "Grep"]'] } };
 * ```
 */
export type ClaudeSubagentRules =
  | Readonly<Record<string, ClaudeSubagentRule>>
  | ((spawn: ClaudeSubagentSpawn) => ClaudeSubagentRule | undefined);

/** The most subagents waiting to be bound: past it, starting one more is refused. */
const MAX_PENDING = 64;

interface Pending {
  readonly session: AgentSession;
  /** Two pendings with the same key hold the same authority. */
  readonly key: string;
}

/** @internal The subagents of one query: waiting delegations, and those bound to an agent id. */
export class SubagentRegistry {
  readonly #rules: ClaudeSubagentRules | undefined;
  readonly #pending = new Map<string, Pending[]>();
  readonly #bound = new Map<string, AgentSession | 'ambiguous' | 'stopped'>();

  constructor(rules: ClaudeSubagentRules | undefined) {
    this.#rules = rules;
  }

  /**
   * Derives the subagent's delegation from its parent's, to wait for the subagent; a string says
   * why it cannot be started.
   */
  start(parent: AgentSession, input: Readonly<Record<string, unknown>>): string | undefined {
    const agentType =
      typeof input['subagent_type'] === 'string' ? input['subagent_type'] : 'general-purpose';
    const spawn: ClaudeSubagentSpawn = {
      agentType,
      description: typeof input['description'] === 'string' ? input['description'] : '',
      prompt: typeof input['prompt'] === 'string' ? input['prompt'] : '',
      parent,
    };
    const rules = this.#rules;
    const rule =
      typeof rules === 'function'
        ? rules(spawn)
        : rules !== undefined && Object.hasOwn(rules, agentType)
          ? rules[agentType]
          : undefined;
    if (rule === undefined)
      return `no delegation is set for subagents of type ${JSON.stringify(agentType)}, so none can be started`;
    const waiting = [...this.#pending.values()].reduce((n, list) => n + list.length, 0);
    if (waiting >= MAX_PENDING) return `${MAX_PENDING} subagents are already starting`;
    const options: SubagentOptions = {
      to: rule.to ?? agentType,
      conditions: rule.conditions,
      ...(rule.expiresIn === undefined ? {} : { expiresIn: rule.expiresIn }),
    };
    const { session } = parent.startSubagent(options);
    const key = JSON.stringify([parent.principal, parent.delegationId, options]);
    const list = this.#pending.get(agentType) ?? [];
    list.push({ session, key });
    this.#pending.set(agentType, list);
    return undefined;
  }

  /**
   * The session of a subagent, binding it to a waiting delegation of its type on first sight;
   * undefined when it has none (or which one is ambiguous).
   */
  sessionOf(agentId: string, agentType: string | undefined): AgentSession | undefined {
    const bound = this.#bound.get(agentId);
    if (bound !== undefined) return typeof bound === 'string' ? undefined : bound;
    const list = agentType === undefined ? undefined : this.#pending.get(agentType);
    const first = list?.[0];
    if (list === undefined || first === undefined) return undefined;
    if (list.some((p) => p.key !== first.key)) {
      this.#bound.set(agentId, 'ambiguous');
      return undefined;
    }
    list.shift();
    if (list.length === 0) this.#pending.delete(agentType!);
    this.#bound.set(agentId, first.session);
    return first.session;
  }

  /** Why a subagent has no session, for the model. */
  whyNone(agentId: string, agentType: string | undefined): string {
    const bound = this.#bound.get(agentId);
    if (bound === 'stopped') return 'this subagent has stopped';
    return bound === 'ambiguous'
      ? `subagents of type ${JSON.stringify(agentType)} were started with different delegations at once, and which is this one cannot be told; start them one at a time`
      : `this subagent (${JSON.stringify(agentType ?? 'unknown')}) was not started through a gated Agent call, so it holds no delegation`;
  }

  /** A subagent stopped: its delegation is no longer used (and its id never bound again). */
  stop(agentId: string): void {
    this.#bound.set(agentId, 'stopped');
  }
}
