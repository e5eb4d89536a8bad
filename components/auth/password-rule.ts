/** The server's rule (server/auth/passwords.ts), told to the person before they type. */
export const PASSWORD_RULE = "At least 12 characters, not a common password, and not containing the username.";
