/** The largest request body any route but a file upload accepts (JSON calls are far smaller). */
export const MAX_BODY_BYTES = 1024 * 1024;
