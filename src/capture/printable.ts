/**
 * Text that came off the network, made safe for a log line, a terminal and a CSV cell: every character
 * outside printable ASCII (0x20–0x7e) — C0 controls such as ESC, NUL, CR and LF, DEL, the C1 controls a latin-1
 * decoding of binary bytes produces (0x9b is a terminal CSI), and any other non-ASCII — is written as a JSON
 * escape (`\n`, `\u001b`, …), as are `"` and `\`. The result is cut to at most `maxChars` characters (an
 * escape is never split), ending in `...` when cut. A byte of a binary frame decoded as latin-1 reads as
 * `\u00XX`, its byte value.
 * @example printable('\x1b[2J{"a":1}\n') // '\\u001b[2J{\\"a\\":1}\\n'
 * @example printable('x'.repeat(100), 10) // 'xxxxxxx...'
 */
export function printable(text: string, maxChars = 80): string {
  let out = '';
  let cutAt = -1; // length of `out` at the last piece boundary that leaves room for "..."
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let piece: string;
    if (c === 0x22) piece = '\\"';
    else if (c === 0x5c) piece = '\\\\';
    else if (c >= 0x20 && c < 0x7f) piece = text[i];
    else if (c === 0x0a) piece = '\\n';
    else if (c === 0x0d) piece = '\\r';
    else if (c === 0x09) piece = '\\t';
    else piece = '\\u' + c.toString(16).padStart(4, '0');
    if (out.length + piece.length > maxChars) return out.slice(0, Math.max(0, cutAt)) + '...';
    if (out.length + piece.length <= maxChars - 3) cutAt = out.length + piece.length;
    out += piece;
  }
  return out;
}

/**
 * A frame as a log or gap record may show it: kind, length in bytes and an escaped preview,
 * `binary, 300 bytes, starts "\u001b[2J..."`.
 */
export function describeFrame(frame: string, isBinary: boolean, previewChars = 80): string {
  const bytes = isBinary ? frame.length : Buffer.byteLength(frame, 'utf8');
  return `${isBinary ? 'binary' : 'text'}, ${bytes} bytes, starts "${printable(frame, previewChars)}"`;
}
