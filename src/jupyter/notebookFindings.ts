/**
 * The "What we found" cell that ends every notebook: a few lines built from the notebook's own results, so the
 * summary cannot drift from what the cells above computed.
 */

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escaped text with `code` and **bold** spans as HTML. @example inlineHtml('**A** = `N/T` < 1') // '<b>A</b> = <code>N/T</code> &lt; 1' */
export function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

/**
 * The findings as an HTML block: a "What we found" heading and one list item per line (lines that are empty
 * or undefined are left out, so a cell can add a line only when a section ran).
 * @example findingsHtml(['σ̂ = 0.3 USDT/√s']) // '<div class="asmm-findings"><h3>What we found</h3><ul><li>σ̂ = 0.3 USDT/√s</li></ul></div>'
 */
export function findingsHtml(lines: ReadonlyArray<string | undefined | false>, title = 'What we found'): string {
  const items = lines.filter((line): line is string => typeof line === 'string' && line.trim() !== '').map((line) => `<li>${inlineHtml(line)}</li>`);
  return `<div class="asmm-findings"><h3>${escapeHtml(title)}</h3><ul>${items.join('')}</ul></div>`;
}
