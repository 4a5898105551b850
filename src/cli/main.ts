#!/usr/bin/env node
/**
 * The `mandate` executable (package.json `bin`). It makes every file the CLI creates private to
 * the user (umask 077: the home holds root keys and bearer tokens), runs the program on the
 * process's real streams, and exits with the documented code: 0 success or allowed, 1 error,
 * 3 denied, 4 pending. A failure that escapes every command still ends as one line, never a
 * stack trace (unless `MANDATE_DEBUG=1`).
 */
import { runCli } from './program.js';
import { readStdin } from './input.js';
import { Output } from './output.js';

process.umask(0o077);

// A reader that went away (`mandate audit | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: readStdin,
  now: () => new Date(),
};

try {
  process.exitCode = await runCli(process.argv.slice(2), io);
} catch (err) {
  process.exitCode = new Output({ json: process.argv.includes('--json'), ...io }).error(err);
}
