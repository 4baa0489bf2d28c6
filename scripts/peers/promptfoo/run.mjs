// Scores every pair of pairs.jsonl with promptfoo's own assertion code and writes
// promptfoo_results.json; tokenizes a seeded corpus with js-rouge's treeBankTokenize (the
// tokenizer promptfoo's rouge-n uses) and writes treebank_corpus.json.
// Run by hand through run.sh (see README.md); CI installs no peer.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prefix = process.env.PROMPTFOO_PREFIX ?? '/tmp/pf';
const require = createRequire(join(prefix, 'package.json'));
const promptfoo = require('promptfoo');
const rouge = require('js-rouge');
// (package.json is not exported by these packages: read it from the install tree)
const version = (name) =>
  JSON.parse(readFileSync(join(prefix, 'node_modules', name, 'package.json'), 'utf8')).version;
const { runAssertion } = promptfoo.assertions;

async function run(type, value, output, threshold) {
  const assertion = threshold === undefined ? { type, value } : { type, value, threshold };
  const r = await runAssertion({ assertion, test: { vars: {} }, providerResponse: { output } });
  return { score: r.score, pass: r.pass, reason: r.reason };
}

const pairs = readFileSync(join(here, 'pairs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const results = [];
for (const p of pairs) {
  const single = typeof p.reference === 'string';
  const r = { id: p.id };
  r.bleu = await run('bleu', p.reference, p.output);
  r.gleu = await run('gleu', p.reference, p.output);
  if (single) {
    r['rouge-n'] = await run('rouge-n', p.reference, p.output);
    r['not-rouge-n'] = await run('not-rouge-n', p.reference, p.output);
    r.levenshtein = await run('levenshtein', p.reference, p.output);
    // promptfoo reports the distance only when failing: threshold -1 makes every case fail
    const probe = await run('levenshtein', p.reference, p.output, -1);
    const m = /Levenshtein distance (\d+) is greater/.exec(probe.reason);
    if (!m) throw new Error(`no distance in ${probe.reason}`);
    r.levenshtein.distance = Number(m[1]);
    r.tokens = {
      output: rouge.treeBankTokenize(p.output.toLowerCase()),
      reference: rouge.treeBankTokenize(p.reference.toLowerCase()),
    };
  }
  results.push(r);
}

writeFileSync(
  join(here, 'promptfoo_results.json'),
  `${JSON.stringify(
    {
      generated_by: 'scripts/peers/promptfoo/run.mjs',
      promptfoo: version('promptfoo'),
      'js-rouge': version('js-rouge'),
      'fastest-levenshtein': version('fastest-levenshtein'),
      node: process.version,
      results,
    },
    null,
    1,
  )}\n`,
);

// Tokenizer corpus: pieces that exercise every rule (quotes, contractions, final periods,
// acronyms, separators, brackets, Unicode letters, modifier letters, whitespace), joined at
// random with a seeded generator so the file is the same on every run.
const pieces = [
  'the', 'The', 'cat', 'U.S.', 'a.m.', 'e.g.', 'x.y', 'Dr.', '1,000', '10:30', '3.14', '$5',
  '"', '"', "''", '``', "'", "'s", "'S", "n't", "N'T", "'ll", "'re", "'ve", "'d", "'m", 'can',
  'not', 'cannot', 'gonna', 'wanna', 'gimme', 'lemme', 'gotta', "d'ye", "more'n", "'tis",
  "'twas", "'tiſ", 'don', "don't", "can't", 'I', '.', '.', '..', '...', '....', ',', ':', ';',
  '?', '!', '@', '#', '%', '&', '(', ')', '[', ']', '{', '}', '<', '>', '--', '-', '/', '.)',
  '."', '!"', "?'", '’', '”', '“', 'ʰ', 'ˈ', '²', '¹', 'é', 'É', 'ß', 'Σ', '東京', '😀', '€',
  '٣', '\u200d', 'a', 'b', 'z', '_', '0', '7', ' ', ' ', ' ', ' ', '  ', '\t', '\n', '\u00a0',
  '\ufeff', '\u0085', '\u3000',
];
let seed = 20260509;
function rand() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const corpus = [];
for (let i = 0; i < 600; i++) {
  const len = 1 + Math.floor(rand() * 12);
  let s = '';
  for (let j = 0; j < len; j++) {
    s += pieces[Math.floor(rand() * pieces.length)];
    if (rand() < 0.5) s += ' ';
  }
  corpus.push({ input: s, tokens: rouge.treeBankTokenize(s) });
}
writeFileSync(
  join(here, 'treebank_corpus.json'),
  `${JSON.stringify({ 'js-rouge': version('js-rouge'), cases: corpus }, null, 0)}\n`,
);
console.log(`${results.length} pairs -> promptfoo_results.json; ${corpus.length} strings -> treebank_corpus.json`);
