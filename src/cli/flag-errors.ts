/**
 * A refused request body speaks API ("body observed: Too small: expected string to have >=10
 * characters"), but the person at the terminal typed flags. This module renders the server's field
 * issues (problem+json `errors`, see src/api/problem.ts) in the command's own words: "--observed
 * must be at least 10 characters". The body field a flag fills is found from the command itself (a
 * flag's attribute name, an argument's name) plus BODY_FIELD_FLAGS where the two names differ.
 */
import type { Command } from 'commander';
import { InputError, isRatchetError } from '../domain/errors/index.js';

interface FieldIssue {
  in: string;
  path: string;
  message: string;
}

/**
 * Body fields a command fills from a flag of another name ("ratchet defect report" sends --severity
 * as suggestedSeverity). Every other field is found by name from the command's own flags and arguments.
 */
const BODY_FIELD_FLAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'defect report': { suggestedSeverity: '--severity' },
  'infra plan': { changes: '--set', windowStart: '--start', windowEnd: '--end' },
  'platform release': { components: '--component', targets: '--target' },
  'rollback request': { package: '<package>', target: '<target>' },
};

/** "defect report" for `ratchet defect report`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** Body field name -> how the user gave it: `--observed`, or `<instance>` for an argument. */
export function flagsOf(command: Command): Map<string, string> {
  const flags = new Map<string, string>();
  for (const argument of command.registeredArguments) flags.set(argument.name(), `<${argument.name()}>`);
  for (const option of command.options) {
    if (option.long !== undefined) flags.set(option.attributeName(), option.long);
  }
  for (const [field, flag] of Object.entries(BODY_FIELD_FLAGS[commandPath(command)] ?? {}))
    flags.set(field, flag);
  return flags;
}

/** zod's issue messages (v4) as the end of a sentence that starts with the flag's name. */
export function phraseOf(message: string): string {
  const tooSmallText = /^Too small: expected string to have >=(\d+) characters?$/.exec(message);
  if (tooSmallText)
    return tooSmallText[1] === '1' ? 'must not be empty' : `must be at least ${tooSmallText[1]!} characters`;
  const tooBigText = /^Too big: expected string to have <=(\d+) characters?$/.exec(message);
  if (tooBigText) return `must be at most ${tooBigText[1]!} characters`;
  const tooFewItems = /^Too small: expected array to have >=(\d+) items?$/.exec(message);
  if (tooFewItems)
    return `must be given at least ${tooFewItems[1]!} time${tooFewItems[1] === '1' ? '' : 's'}`;
  const tooManyItems = /^Too big: expected array to have <=(\d+) items?$/.exec(message);
  if (tooManyItems) return `may be given at most ${tooManyItems[1]!} times`;
  const tooSmallNumber = /^Too small: expected number to be >(=?)(-?[\d.]+)$/.exec(message);
  if (tooSmallNumber)
    return tooSmallNumber[1] === '='
      ? `must be at least ${tooSmallNumber[2]!}`
      : `must be more than ${tooSmallNumber[2]!}`;
  const tooBigNumber = /^Too big: expected number to be <(=?)(-?[\d.]+)$/.exec(message);
  if (tooBigNumber)
    return tooBigNumber[1] === '='
      ? `must be at most ${tooBigNumber[2]!}`
      : `must be less than ${tooBigNumber[2]!}`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'is required';
  const expected = /^Invalid input: expected (\w+), received \w+$/.exec(message);
  if (expected) return `must be ${expected[1] === 'int' ? 'a whole number' : `a ${expected[1]!}`}`;
  const option = /^Invalid option: expected one of (.+)$/.exec(message);
  if (option) return `must be one of ${option[1]!.split('|').join(', ').replaceAll('"', '')}`;
  return `is not accepted (${message})`;
}

function issuesOf(error: InputError): FieldIssue[] | undefined {
  const problem = error.extra.problem as { errors?: unknown } | undefined;
  const errors = problem?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' &&
      issue !== null &&
      typeof (issue as FieldIssue).path === 'string' &&
      typeof (issue as FieldIssue).message === 'string',
  );
}

/**
 * The server's refusal of a request body, said with the command's flags; any other error as it was.
 * An issue on a field no flag fills (a body the command computed) keeps its API name.
 */
export function inFlagTerms(error: unknown, command: Command): unknown {
  if (!isRatchetError(error) || !(error instanceof InputError)) return error;
  const issues = issuesOf(error);
  if (issues === undefined || issues.length === 0) return error;
  const flags = flagsOf(command);
  const named: string[] = [];
  const sentences = issues.map((issue) => {
    const [field = '', ...rest] = issue.path.split('.');
    const given = issue.in === 'body' || issue.in === 'querystring';
    const flag = given ? (flags.get(issue.path) ?? flags.get(field)) : undefined;
    if (flag === undefined) return `${issue.in} ${issue.path}: ${issue.message}`;
    named.push(flag);
    // "requirements.1" is the second value given to a repeatable flag or a variadic argument.
    const index = rest.find((part) => /^\d+$/.test(part));
    const item = index !== undefined ? ` (value ${String(Number(index) + 1)})` : '';
    return `${flag}${item} ${phraseOf(issue.message)}`;
  });
  const message = `${sentences.join('; ')}.`;
  const remedy =
    named.length > 0
      ? `Correct ${[...new Set(named)].join(', ')}; \`ratchet ${commandPath(command)} --help\` describes every option.`
      : error.remedy;
  return new InputError(message, {
    ...(remedy !== undefined ? { remedy } : {}),
    ...(error.policy !== undefined ? { policy: error.policy } : {}),
    extra: error.extra,
  });
}
