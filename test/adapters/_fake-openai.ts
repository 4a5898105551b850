/**
 * A fake OpenAI model server on loopback that scripts the model's turns, for driving real agent
 * SDKs end to end without a model: each request gets the next scripted turn, in the wire format
 * the SDK asked in — Chat Completions (`/chat/completions`, plain or streamed) or Responses
 * (`/responses`). Every request body is kept, so a test can read what the SDK sent the model
 * (the tool results it saw). A hard cap on requests makes a looping agent fail the test rather
 * than hang it: a request past the script is answered 400 (no SDK retries that) and counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One turn of the model: a final text, or tool calls. */
export type Turn =
  | { readonly text: string }
  | { readonly calls: readonly { readonly name: string; readonly args: unknown }[] };

/**
 * A scripted turn, or a function that reads what the SDK sent (the tool results of the turn
 * before, as text) and returns the turn: where a test asserts what the model saw, and acts
 * between turns (a grantor approving).
 */
export type Step =
  | Turn
  | ((seen: {
      readonly body: Record<string, unknown>;
      readonly results: string[];
    }) => Turn | Promise<Turn>);

export interface FakeModel {
  /** The base URL to give the SDK (`…/v1`). */
  readonly url: string;
  /** Every request body received, in order. */
  readonly requests: Record<string, unknown>[];
  /** Requests past the script (each a failure of the test). */
  readonly overruns: () => number;
  /** What a step function threw (its assertion about what the model saw), first first. */
  readonly failures: unknown[];
  close(): Promise<void>;
}

/** Starts a fake model that answers `script[i]` to its i-th request. */
export async function fakeOpenAI(script: readonly Step[]): Promise<FakeModel> {
  const requests: Record<string, unknown>[] = [];
  let overruns = 0;
  const failures: unknown[] = [];
  let ids = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse(await read(req)) as Record<string, unknown>;
      const step = script[requests.length];
      requests.push(body);
      if (step === undefined) {
        overruns++;
        return send(res, 400, {
          error: { message: `fake model: no turn ${requests.length} scripted`, type: 'invalid' },
        });
      }
      let turn: Turn;
      try {
        turn = typeof step === 'function' ? await step({ body, results: toolResults(body) }) : step;
      } catch (err) {
        failures.push(err);
        return send(res, 400, { error: { message: 'fake model: a step failed', type: 'invalid' } });
      }
      const id = () => `call_${++ids}`;
      if (req.url?.endsWith('/chat/completions')) return chat(res, body, turn, id);
      if (req.url?.endsWith('/responses')) return responses(res, body, turn, id);
      send(res, 404, { error: { message: `fake model: no route ${req.url}` } });
    })().catch((err: unknown) => send(res, 500, { error: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    overruns: () => overruns,
    failures,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function chat(
  res: ServerResponse,
  body: Record<string, unknown>,
  turn: Turn,
  id: () => string,
): void {
  const calls =
    'calls' in turn
      ? turn.calls.map((c) => ({
          id: id(),
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.args) },
        }))
      : undefined;
  const content = 'text' in turn ? turn.text : null;
  const finish = calls === undefined ? 'stop' : 'tool_calls';
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  const base = { id: `chatcmpl-${id()}`, created: 0, model: String(body['model']) };
  if (body['stream'] !== true) {
    return send(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, ...(calls ? { tool_calls: calls } : {}) },
          finish_reason: finish,
          logprobs: null,
        },
      ],
      usage,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: unknown, finishReason: string | null, extra = {}) =>
    res.write(
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }], ...extra })}\n\n`,
    );
  chunk({ role: 'assistant', content: content ?? '' }, null);
  if (calls) chunk({ tool_calls: calls.map((c, index) => ({ index, ...c })) }, null);
  chunk({}, finish, { usage });
  res.end('data: [DONE]\n\n');
}

function responses(
  res: ServerResponse,
  body: Record<string, unknown>,
  turn: Turn,
  id: () => string,
): void {
  const output =
    'calls' in turn
      ? turn.calls.map((c) => {
          const callId = id();
          return {
            type: 'function_call',
            id: `fc_${callId}`,
            call_id: callId,
            name: c.name,
            arguments: JSON.stringify(c.args),
            status: 'completed',
          };
        })
      : [
          {
            type: 'message',
            id: `msg_${id()}`,
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: turn.text, annotations: [] }],
          },
        ];
  send(res, 200, {
    id: `resp_${id()}`,
    object: 'response',
    created_at: 0,
    status: 'completed',
    model: String(body['model']),
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    },
  });
}

/**
 * The names of the tools a request offers the model, sorted: Chat Completions `function.name`
 * or Responses `name`.
 */
export function toolNames(body: Record<string, unknown>): string[] {
  const tools = (body['tools'] ?? []) as { name?: string; function?: { name: string } }[];
  return tools.map((t) => t.function?.name ?? t.name ?? '').sort();
}

/**
 * The tool results in a request, as the model reads them: Chat Completions `tool` messages
 * after the last assistant message, or Responses `function_call_output` items after the last
 * `function_call`s.
 */
export function toolResults(body: Record<string, unknown>): string[] {
  const text = (content: unknown): string =>
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((p: { text?: string }) => p.text ?? JSON.stringify(p)).join('')
        : JSON.stringify(content);
  const items = (body['messages'] ?? body['input'] ?? []) as Record<string, unknown>[];
  const out: string[] = [];
  let calls = false;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (!calls && item['role'] === 'tool') out.unshift(text(item['content']));
    else if (!calls && item['type'] === 'function_call_output') out.unshift(text(item['output']));
    else if (item['type'] === 'function_call') calls = true;
    else break;
  }
  return out;
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

/**
 * Awaits the agent; when a step's assertion failed, that failure is what the test reports
 * (the SDK only saw a 400).
 */
export async function settle<T>(fake: FakeModel, run: Promise<T>): Promise<T> {
  try {
    const value = await run;
    if (fake.failures.length > 0) throw fake.failures[0];
    return value;
  } catch (err) {
    if (fake.failures.length > 0) throw fake.failures[0];
    throw err;
  }
}
