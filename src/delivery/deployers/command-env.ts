/**
 * The environment a deploy command runs with (issue 13): an explicit list, never the server's own.
 * The server's environment holds its secrets (RATCHET_SECRET_KEY, RATCHET_DATABASE_URL, the SMTP
 * URL with its password, RATCHET_WEBHOOK_SECRET, PGPASSWORD...); a deploy program is an operator's
 * tool, but it runs with request data and need not hold the keys to every tenant's secrets.
 *
 * The child gets:
 * - from the server, when set: PATH, HOME, LANG, LC_ALL, TZ, TMPDIR (to find programs and behave);
 * - the deploy variables: RATCHET_INSTANCE, RATCHET_REVISION, RATCHET_REQUIREMENTS, RATCHET_PYLOCK,
 *   RATCHET_METADATA, RATCHET_DEPLOY_DIR;
 * - the variables the operator names in RATCHET_DEPLOY_ENV (comma-separated, e.g.
 *   `KUBECONFIG,AWS_PROFILE`), for the deploy tool's own credentials. Names starting with RATCHET_
 *   or PG (the server's configuration and database connection) are never passed, even if named.
 */

/** Always passed from the server's environment when set. */
export const BASE_ENV_NAMES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** The operator's pass-through list. */
export const DEPLOY_ENV_VARIABLE = 'RATCHET_DEPLOY_ENV';

const NEVER_PASSED = /^(RATCHET_|PG)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type DeployVariables = Record<
  | 'RATCHET_INSTANCE'
  | 'RATCHET_REVISION'
  | 'RATCHET_REQUIREMENTS'
  | 'RATCHET_PYLOCK'
  | 'RATCHET_METADATA'
  | 'RATCHET_DEPLOY_DIR',
  string
>;

/** Why the operator's RATCHET_DEPLOY_ENV cannot be used, or undefined when it can. */
export function deployEnvProblem(list: string | undefined): string | undefined {
  const names = splitNames(list);
  const bad = names.filter((name) => !NAME.test(name));
  if (bad.length > 0)
    return `${DEPLOY_ENV_VARIABLE} holds names that are not variable names: ${bad.join(', ')}.`;
  const refused = names.filter((name) => NEVER_PASSED.test(name));
  if (refused.length > 0) {
    return (
      `${DEPLOY_ENV_VARIABLE} names ${refused.join(', ')}: the server's own configuration ` +
      '(RATCHET_*, PG*) is never given to deploy commands; remove it from the list.'
    );
  }
  return undefined;
}

function splitNames(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * The child's whole environment. Throws an Error (the deploy then fails with its sentence as the
 * reason) when RATCHET_DEPLOY_ENV names a refused variable.
 *
 * @example spawn(program, args, { env: commandEnvironment(deployVariables) })
 */
export function commandEnvironment(
  deploy: DeployVariables,
  serverEnv: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const problem = deployEnvProblem(serverEnv[DEPLOY_ENV_VARIABLE]);
  if (problem !== undefined) throw new Error(problem);
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...BASE_ENV_NAMES, ...splitNames(serverEnv[DEPLOY_ENV_VARIABLE])]) {
    const value = serverEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...deploy };
}
