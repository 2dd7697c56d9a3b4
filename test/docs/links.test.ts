import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRootForTests } from '../helpers/cli.js';

// The README is one page that links into docs/: every relative link and image in it and in docs/*.md must
// point at a file of the checkout, and every page of docs/ must be linked from the README.
const root = projectRootForTests;
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Relative targets of Markdown links and images in `text` (anchors and URLs left out). */
function relativeTargets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = m[1].split('#')[0];
    if (target !== '' && !/^[a-z]+:/i.test(target)) out.push(target);
  }
  return out;
}

describe('README and docs/', () => {
  it.each(pages)('%s: every relative link resolves to a file of the checkout', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    const missing = relativeTargets(text).filter((target) => !existsSync(join(root, dirname(page), target)));
    expect(missing, `${page} links to files that do not exist`).toEqual([]);
  });

  it('the README links every page of docs/ and stays one page', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const linked = new Set(relativeTargets(readme));
    for (const page of pages.slice(1)) expect(linked.has(page), `README does not link ${page}`).toBe(true);
    expect(readme.split(/\s+/).filter(Boolean).length, 'README words').toBeLessThan(1200);
  });
});
