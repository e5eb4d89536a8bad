// The identity module's contract shared with the browser: the password rule, pure so the browser
// checks it as a person types (components/auth) and the server checks it again on every door
// that sets a password (server/auth/passwords.ts). Only the list of common passwords stays on
// the server: it is large, and the server says so on submit.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** The rule as told to a person, before they type. */
export const PASSWORD_RULE = `At least ${MIN_PASSWORD_LENGTH} characters, not a common password, and not containing the username.`;

/**
 * Why a password is refused, or null when it is acceptable. `isCommon` is the server's list;
 * without it (in the browser) that part is left to the server.
 */
export function passwordRuleProblem(
  password: string,
  username?: string,
  isCommon: (lowercase: string) => boolean = () => false,
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (isCommon(lower)) return "This password is on a list of common passwords; choose another.";
  if (username && lower.includes(username.toLowerCase())) return "The password must not contain the username.";
  if (/^(.)\1+$/.test(password)) return "The password must not be one character repeated.";
  return null;
}
