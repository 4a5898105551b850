// The resolve hook behind scripts/probe-imports.mjs. It runs on Node's module-hooks thread and
// sees every `import` resolved after it is registered (relative, bare-package and `node:`
// specifiers, static and dynamic); each resolved URL is appended to a log file synchronously, so
// the log is complete the moment the probed import settles, with no message to wait for.
import { appendFileSync } from 'node:fs';

let log = '';

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(log, `${result.url}\n`);
  return result;
}
