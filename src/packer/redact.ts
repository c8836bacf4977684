/**
 * Credentials never reach a saved log or the screen's debug pane: Packer prints its environment
 * and AWS requests in the debug log, and provisioners may echo anything.
 */

// AWS access key ids: a four-letter kind (AKIA long-term, ASIA temporary) and 16 characters.
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

// A secret or token after its name, in any of the forms logs use: `name=value`, `name: value`,
// `"name": "value"`, `name value`, URL query `X-Amz-Security-Token=value`.
const NAMED_SECRET =
  /\b(aws_secret_access_key|secret_access_key|SecretAccessKey|aws_session_token|session_token|SessionToken|X-Amz-Security-Token|security_token)(["']?\s*[:=]\s*["']?|\s+)([A-Za-z0-9/+=%_-]{8,})/gi;

// A long bare base64 run (session tokens are several hundred characters) that follows a token
// name anywhere earlier on the line, e.g. `Token (redacted?): <token>`.
const LONG_TOKEN_AFTER_NAME = /((?:session[_ ]?token|security[_-]token)\b[^\n]*?)([A-Za-z0-9/+=]{100,})/gi;

export const REDACTED = '[redacted]';

export function redactSecrets(text: string): string {
  return text
    .replace(ACCESS_KEY_ID, (_, kind: string) => `${kind}${REDACTED}`)
    .replace(NAMED_SECRET, (_, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(LONG_TOKEN_AFTER_NAME, (_, before: string) => `${before}${REDACTED}`);
}
