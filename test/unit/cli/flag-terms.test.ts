/**
 * Errors in the words of the command line: a library message that starts with one of the
 * command's parameters names the flag instead, and a duration limit is said as a duration; a
 * parameter that merely starts the same way, or a message about something else, is left alone.
 */
import { describe, expect, it } from 'vitest';
import { inFlagTerms } from '../../../src/cli/flag-terms.js';
import { RequestInvalidError } from '../../../src/requests/index.js';

const FLAGS = {
  'options.to': '--to',
  expiresIn: '--expires',
  'call tool': '--tool',
  call: '--tool and --args',
  reason: '--reason',
};

describe('inFlagTerms', () => {
  it.each([
    [new RangeError('options.to is reserved'), '--to is reserved'],
    [new TypeError('options.to must be a string, got number'), '--to must be a string, got number'],
    [new RangeError('expiresIn must be at most 604800 seconds'), '--expires must be at most 7d'],
    [
      new RangeError('expiresIn must be a positive number of seconds'),
      '--expires must be a positive duration',
    ],
  ])('rewords %s', (err, message) => {
    const reworded = inFlagTerms(err, FLAGS);
    expect(reworded).toMatchObject({ code: 'ERR_CLI_BAD_INPUT', message });
    expect((reworded as Error).cause).toBe(err);
  });

  it('keeps a library error’s code and fields, and adds the option', () => {
    const err = new RequestInvalidError('call', 'tool must be 1 to 128 characters');
    const reworded = inFlagTerms(err, FLAGS) as RequestInvalidError;
    expect(reworded.toJSON()).toEqual({
      code: 'ERR_REQUEST_INVALID',
      message: '--tool must be 1 to 128 characters',
      field: 'call',
      option: '--tool',
    });
    const longer = inFlagTerms(new RequestInvalidError('reason', 'must say why'), FLAGS);
    expect((longer as Error).message).toBe('--reason must say why');
  });

  it.each([
    new RangeError('options.token must be a string'),
    new RangeError('the keyring is empty'),
    new Error('options.to is reserved'),
  ])('leaves %s alone', (err) => {
    expect(inFlagTerms(err, FLAGS)).toBe(err);
  });

  it('passes anything that is not an error through', () => {
    expect(inFlagTerms('boom', FLAGS)).toBe('boom');
  });
});
