/**
 * A fake Anthropic Messages API on loopback, for driving the real Claude Code binary (through
 * the Claude Agent SDK, `ANTHROPIC_BASE_URL`) without a model. Claude Code sends the main
 * agent's turns, each subagent's turns and small side requests (titles, summaries) to the same
 * endpoint, so the fake answers by reading each request: `respond(request)` returns the turn, and
 * a request it has no answer for gets a plain text. Every request is kept; a hard cap on their
 * number makes a looping agent fail the test rather than hang it (past the cap every answer is
 * 400, which Claude Code does not retry).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One turn of the model: text, and tool calls after it. */
export interface Turn {
  readonly text?: string;
  readonly calls?: readonly { readonly name: string; readonly input: unknown }[];
}

/** What the fake tells a responder about a request. */
export interface Seen {
  readonly body: Record<string, unknown>;
  /** The system prompt, as text. */
  readonly system: string;
  /** The tool names offered. */
  readonly tools: string[];
  /** The first user message's text (how a conversation is told apart: main agent or subagent). */
  readonly firstUser: string;
  /** The tool results of the last user message, as text (what the model reads of its calls). */
  readonly results: { readonly id: string; readonly text: string; readonly isError: boolean }[];
}

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: Seen[];
  /** What a responder threw (its assertion), first first. */
  readonly failures: unknown[];
  readonly overruns: () => number;
  close(): Promise<void>;
}

export async function fakeAnthropic(
  respond: (seen: Seen) => Turn | undefined | Promise<Turn | undefined>,
  options: { readonly maxRequests?: number } = {},
): Promise<FakeAnthropic> {
  const max = options.maxRequests ?? 40;
  const requests: Seen[] = [];
  const failures: unknown[] = [];
  let overruns = 0;
  let ids = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await read(req);
      if (!req.url?.includes('/v1/messages') || req.method !== 'POST')
        return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no' } });
      if (req.url.includes('count_tokens')) return send(res, 200, { input_tokens: 100 });
      const body = JSON.parse(raw) as Record<string, unknown>;
      const seen = describe(body);
      requests.push(seen);
      if (requests.length > max) {
        overruns++;
        return send(res, 400, error('fake model: request cap reached'));
      }
      let turn: Turn | undefined;
      try {
        turn = await respond(seen);
      } catch (err) {
        failures.push(err);
        return send(res, 400, error('fake model: a step failed'));
      }
      const content = [
        ...(turn?.text === undefined && turn?.calls !== undefined
          ? []
          : [{ type: 'text' as const, text: turn?.text ?? 'ok' }]),
        ...(turn?.calls ?? []).map((c) => ({
          type: 'tool_use' as const,
          id: `toolu_${String(++ids).padStart(4, '0')}`,
          name: c.name,
          input: c.input,
        })),
      ];
      const stop = turn?.calls?.length ? 'tool_use' : 'end_turn';
      const message = {
        id: `msg_${++ids}`,
        type: 'message',
        role: 'assistant',
        model: String(body['model']),
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5 },
      };
      if (body['stream'] !== true)
        return send(res, 200, { ...message, content, stop_reason: stop });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = (type: string, data: object) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      event('message_start', {
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { input_tokens: 10, output_tokens: 1 },
        },
      });
      content.forEach((block, index) => {
        if (block.type === 'text') {
          event('content_block_start', { index, content_block: { type: 'text', text: '' } });
          event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
        } else {
          event('content_block_start', {
            index,
            content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
          });
          event('content_block_delta', {
            index,
            delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
          });
        }
        event('content_block_stop', { index });
      });
      event('message_delta', {
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: 5 },
      });
      event('message_stop', {});
      res.end();
    })().catch((err: unknown) => send(res, 500, error(String(err))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failures,
    overruns: () => overruns,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describe(body: Record<string, unknown>): Seen {
  const text = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content
            .map((b: { type?: string; text?: string; content?: unknown }) =>
              b.type === 'text' ? (b.text ?? '') : b.type === 'tool_result' ? text(b.content) : '',
            )
            .join('')
        : '';
  const messages = (body['messages'] ?? []) as { role: string; content: unknown }[];
  // The last user message (Claude Code may append a system message after it).
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const results = Array.isArray(last?.content)
    ? (
        last.content as {
          type: string;
          tool_use_id?: string;
          content?: unknown;
          is_error?: boolean;
        }[]
      )
        .filter((b) => b.type === 'tool_result')
        .map((b) => ({
          id: b.tool_use_id ?? '',
          text: text(b.content),
          isError: b.is_error === true,
        }))
    : [];
  return {
    body,
    system: text(body['system']),
    tools: ((body['tools'] ?? []) as { name: string }[]).map((t) => t.name),
    firstUser: text(messages.find((m) => m.role === 'user')?.content),
    results,
  };
}

function error(message: string) {
  return { type: 'error', error: { type: 'invalid_request_error', message } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
