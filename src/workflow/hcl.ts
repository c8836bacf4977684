/**
 * The `hcl` template filter: a value as an HCL string literal. Quotes, backslashes and control
 * characters are escaped, and `${` / `%{` are doubled so that Packer reads them as text rather
 * than as an interpolation or a template directive. A value with a quote cannot break the file.
 *
 * A missing (null or undefined) value gives undefined back, so the template engine's own
 * undefined check stops the render and names the template line.
 */
export function hclString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value as number | boolean | bigint);
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const next = text[i + 1];
    if (c === '\\') out += '\\\\';
    else if (c === '"') out += '\\"';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if ((c === '$' || c === '%') && next === '{') out += c + c;
    else if (c < ' ' || c === '\u007f') out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out + '"';
}
