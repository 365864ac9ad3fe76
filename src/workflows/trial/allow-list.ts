import { InputError } from '../../domain/errors/index.js';

/**
 * Which repositories the server may fetch from is the operator's decision: `RATCHET_PROJECT_REPOS`
 * lists hosts (`github.com`) or URL prefixes (`https://git.example.com/data/`, `file:///srv/mirrors/`),
 * comma-separated. A customer cannot make the server fetch from anywhere else. Checked when a project
 * is registered and again before every checkout, so narrowing the list takes effect at once.
 */
export function parseRepoAllowList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function matches(url: URL, entry: string): boolean {
  if (entry.includes('://')) {
    // A prefix: it must end at a path boundary, so `https://git.example.com/data` does not allow
    // `https://git.example.com/database-leak`.
    const prefix = entry.endsWith('/') ? entry : `${entry}/`;
    return url.href === entry || url.href.startsWith(prefix);
  }
  return url.protocol === 'https:' && url.hostname.toLowerCase() === entry.toLowerCase();
}

/** The URL, normalised, when the allow-list admits it; an InputError naming the variable otherwise. */
export function assertRepoAllowed(
  repoUrl: string,
  allowList: string | undefined = process.env['RATCHET_PROJECT_REPOS'],
): string {
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    throw new InputError(`"${repoUrl}" is not a repository URL.`, {
      remedy: 'Register the repository by its https:// URL (or a file:// URL the operator allows).',
    });
  }
  if (
    !['https:', 'file:'].includes(url.protocol) ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new InputError(
      `"${repoUrl}" is not a repository URL Ratchet fetches: only https:// and file:// URLs without credentials, query or fragment are.`,
      {
        remedy:
          'Register the plain https:// URL; pass a read-only credential separately (it is sealed at rest).',
      },
    );
  }
  const allowed = parseRepoAllowList(allowList);
  if (allowed.some((entry) => matches(url, entry))) return url.href;
  throw new InputError(
    allowed.length === 0
      ? 'This server fetches no project repositories: RATCHET_PROJECT_REPOS is not set.'
      : `${url.href} is not among the repositories this server may fetch (RATCHET_PROJECT_REPOS: ${allowed.join(', ')}).`,
    {
      remedy:
        'Ask the operator to add the host or URL prefix to RATCHET_PROJECT_REPOS, or register a repository it allows.',
      extra: { variable: 'RATCHET_PROJECT_REPOS', allowed },
    },
  );
}
