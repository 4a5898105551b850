/**
 * Reads a `text/event-stream` response (the service's inbox and revocation streams) one event at
 * a time, as the WHATWG EventSource parser does: fields `event`, `id`, `data` (joined by line
 * feeds), comments ignored, an event dispatched at each blank line.
 */

/** One server-sent event. */
export interface ServerSentEvent {
  readonly event: string;
  /** The event's id, when it carries one (the cursor to resume after). */
  readonly id?: string;
  readonly data: string;
}

/** Largest event accepted, in characters: a stream that never ends its event is cut. */
const MAX_EVENT_CHARS = 1 << 20;

/**
 * The events of `body`, in order; ends when the stream does.
 *
 * @example
 * ```ts
 * for await (const e of readEvents(res.body!)) if (e.event === 'revocation') list.add([JSON.parse(e.data)]);
 * ```
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done === true) return;
      buffer += decoder.decode(value, { stream: true });
      if (buffer.length > MAX_EVENT_CHARS)
        throw new RangeError('an event of the stream is too large');
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length > 0 || event !== '')
            yield {
              event: event === '' ? 'message' : event,
              ...(id === undefined ? {} : { id }),
              data: data.join('\n'),
            };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id' && !text.includes('\0')) id = text;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
