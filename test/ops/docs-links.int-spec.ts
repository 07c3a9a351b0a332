import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The Markdown pages a reader of the repository meets. */
function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [
    ...['README.md', 'CHANGELOG.md', 'SECURITY.md', 'bench/README.md'].map((name) => join(ROOT, name)),
    ...docs,
  ].filter((path) => existsSync(path));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (but - and _), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  const headings = [...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1]));
  // HTML anchors (<a id="search"></a>) a page places by hand.
  const placed = [...text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((match) => match[1]);
  return new Set([...headings, ...placed]);
}

/** Every [text](target) outside code blocks that is not a URL with a scheme or a mail address. */
function relativeLinks(path: string): string[] {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('links in the README and docs', () => {
  it.each(pages().map((path) => [relative(ROOT, path), path]))(
    '%s: every relative link resolves inside the repository',
    (_name, page) => {
      const broken: string[] = [];
      for (const link of relativeLinks(page)) {
        const [file, anchor] = link.split('#');
        const target = file ? resolve(dirname(page), decodeURIComponent(file)) : page;
        if (relative(ROOT, target).startsWith('..')) {
          broken.push(`${link} (outside the repository)`);
        } else if (!existsSync(target)) {
          broken.push(`${link} (no such file)`);
        } else if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchors(target).has(anchor)) {
          broken.push(`${link} (no such heading)`);
        }
      }
      expect(broken).toEqual([]);
    },
  );

  it('the README links to the architecture page in docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('](docs/architecture.md)');
    expect(readme).not.toMatch(/\.\.\/shared|DESIGN\.md/);
  });
});
