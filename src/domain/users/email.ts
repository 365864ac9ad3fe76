/**
 * One spelling per address (issue 13): `BEA@ACME.EXAMPLE` and `bea@acme.example` reach the same
 * mailbox in practice, so Ratchet compares and stores addresses trimmed and lower-cased. RFC 5321
 * lets a local part be case-sensitive, but no mail system a customer uses treats it so, and two
 * users differing only in case would be a trap, not a feature.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
