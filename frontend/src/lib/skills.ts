// Find available's inputs: known skill names for what was typed, and the ranking weights.

/** The known skill `name` matches, ignoring case and surrounding spaces (as the API does). */
export function knownSkill(name: string, known: readonly string[]): string | null {
  const wanted = name.trim().toLowerCase();
  return known.find((k) => k.toLowerCase() === wanted) ?? null;
}

/** Known skills like `typed`, best first: names that start with it, then names that contain
 * it, then names within a few typos of it (edit distance, against the name or its start). */
export function suggestSkills(typed: string, known: readonly string[], limit = 6): string[] {
  const wanted = typed.trim().toLowerCase();
  if (!wanted) return [];
  const scored: [number, string][] = [];
  for (const name of known) {
    const lower = name.toLowerCase();
    let score: number;
    if (lower.startsWith(wanted)) score = 0;
    else if (lower.includes(wanted)) score = 1;
    else if (wanted.length < 3) continue; // one or two letters: no guessing at typos
    else {
      const typos = Math.min(distance(wanted, lower), distance(wanted, lower.slice(0, wanted.length)));
      if (typos > Math.max(1, Math.floor(wanted.length / 3))) continue;
      score = 2 + typos;
    }
    scored.push([score, name]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return scored.slice(0, limit).map(([, name]) => name);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}

export const DEFAULT_WEIGHT = 0.5;
export const MAX_WEIGHT = 10;

/** A weight from the URL or an input: a number 0..10, else the API's default (0.5). */
export function parseWeight(text: string | null): number {
  if (text === null || text.trim() === "") return DEFAULT_WEIGHT;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= MAX_WEIGHT ? value : DEFAULT_WEIGHT;
}

/** A score as the screen shows it: one decimal, as the API rounds it. */
export function formatScore(score: number): string {
  return score.toFixed(1);
}
