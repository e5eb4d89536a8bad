/** The server's rule (server/modules/identity/contract.ts), told to the person before they type. */
export { PASSWORD_RULE, passwordRuleProblem } from "@/server/modules/identity/contract";
