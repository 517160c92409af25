// CoT type strings ("a-f-G-U-C-I") to MIL-STD-2525C SIDCs, kinds and words.

/** CoT affiliation letter to 2525C standard identity. */
const AFF_SIDC = { f: 'F', h: 'H', n: 'N', u: 'U', p: 'P', a: 'A', s: 'S', j: 'J', k: 'K', o: 'U', x: 'U' };

const AFF_WORDS = {
  f: 'friend', h: 'hostile', n: 'neutral', u: 'unknown', p: 'pending', a: 'assumed friend',
  s: 'suspect', j: 'joker', k: 'faker', o: 'none specified', x: 'other',
};

/** CoT battle dimension to 2525C dimension; 'Z' is 2525C's "unknown". */
const DIM_SIDC = { P: 'P', A: 'A', G: 'G', S: 'S', U: 'U', F: 'F' };

const DIM_WORDS = { P: 'space', A: 'air', G: 'ground', S: 'sea surface', U: 'subsurface', F: 'special operations', X: 'other' };

const DIM_KIND = { A: 'air', P: 'air', G: 'ground', F: 'ground', S: 'sea', U: 'sea' };

// Function words keyed by dimension + function path; the longest known
// prefix of an object's type wins, so "G-U-C-I-M" reads "infantry".
const FUNC_WORDS = {
  'G-U': 'unit', 'G-U-C': 'combat unit', 'G-U-C-I': 'infantry', 'G-U-C-I-M': 'mechanized infantry',
  'G-U-C-I-L': 'light infantry', 'G-U-C-A': 'armour', 'G-U-C-A-T': 'armoured tank unit',
  'G-U-C-R': 'reconnaissance', 'G-U-C-R-H': 'horse reconnaissance', 'G-U-C-R-V': 'cavalry',
  'G-U-C-F': 'field artillery', 'G-U-C-E': 'engineer', 'G-U-C-V': 'aviation', 'G-U-C-D': 'air defence',
  'G-U-C-S': 'security', 'G-U-S': 'combat service support', 'G-U-S-M': 'medical', 'G-U-S-T': 'transportation',
  'G-U-S-S': 'supply', 'G-U-S-X': 'maintenance', 'G-U-U': 'combat support', 'G-U-U-S': 'signal',
  'G-U-U-M': 'military intelligence', 'G-U-U-L': 'law enforcement', 'G-U-U-A': 'CBRN', 'G-U-H': 'headquarters',
  'G-E': 'equipment', 'G-E-V': 'vehicle', 'G-E-V-C': 'civilian vehicle', 'G-E-V-A': 'armoured vehicle',
  'G-E-V-A-T': 'tank', 'G-E-V-U': 'utility vehicle', 'G-E-V-E': 'engineer vehicle', 'G-E-W': 'weapon',
  'G-E-S': 'sensor', 'G-I': 'installation', 'G-I-B': 'base',
  'A-C': 'civilian aircraft', 'A-C-F': 'civil fixed wing', 'A-C-H': 'civil helicopter', 'A-C-L': 'civil lighter than air',
  'A-M': 'military aircraft', 'A-M-F': 'military fixed wing', 'A-M-F-F': 'fighter', 'A-M-F-C': 'cargo aircraft',
  'A-M-F-Q': 'drone (UAV)', 'A-M-F-R': 'reconnaissance aircraft', 'A-M-H': 'military helicopter', 'A-W': 'weapon / missile',
  'S-C': 'combatant ship', 'S-X': 'non-combatant ship', 'S-X-M': 'merchant ship', 'S-X-F': 'fishing vessel',
  'S-N': 'navy group', 'U-S': 'submarine', 'U-W': 'underwater weapon',
};

/** Words for the common non-atom types (markers, alerts, drawings). */
const OTHER_WORDS = [
  ['b-m-p-s-m', 'spot map marker'], ['b-m-p-w', 'waypoint'], ['b-m-p-c', 'checkpoint'], ['b-m-p-s-p-i', 'sensor point of interest'],
  ['b-m-p', 'map point'], ['b-m-r', 'route'], ['b-a-o-tbl', '911 alert'], ['b-a-o-pan', 'ring the bell'],
  ['b-a-o-opn', 'troops in contact'], ['b-a-g', 'geo-fence breached'], ['b-a-o-c', 'custom alert'], ['b-a', 'alert'],
  ['b-r-f-h-c', 'casualty report'], ['u-d-r', 'drawn rectangle'], ['u-d-c', 'drawn circle'], ['u-d-f', 'drawn shape'],
  ['u-d-p', 'drawn point'], ['u-r-b', 'range and bearing line'], ['u-d', 'drawing'],
];

/** Splits a CoT type into its parts; `atom` is false for non "a-" types. */
export function parseType(type) {
  const parts = String(type || '').split('-');
  if (parts[0] !== 'a' || parts.length < 2) return { atom: false, aff: 'o', dim: 'X', func: [] };
  return { atom: true, aff: (parts[1] || 'o').toLowerCase(), dim: parts[2] || 'X', func: parts.slice(3) };
}

/**
 * The 2525C letter SIDC (15 characters) for an atom type, or null for other
 * types. `valid(sidc)` decides whether the function part is known; when it is
 * not, only affiliation and dimension are kept.
 */
export function sidcFor(type, valid) {
  const p = parseType(type);
  if (!p.atom) return null;
  const aff = AFF_SIDC[p.aff] || 'U';
  const dim = DIM_SIDC[p.dim] || 'Z';
  const func = p.func.join('').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
  const full = ('S' + aff + dim + 'P' + func).padEnd(15, '-');
  if (!func || !valid || valid(full)) return full;
  return ('S' + aff + dim + 'P').padEnd(15, '-');
}

/** 'ground' | 'air' | 'sea' | 'other' for the list filter. */
export function kindOf(type) {
  const p = parseType(type);
  return (p.atom && DIM_KIND[p.dim]) || 'other';
}

/** 'f' | 'h' | 'n' | 'u' | 'o' for the list filter (assumed friend counts as friend, suspect as hostile). */
export function affiliationOf(type) {
  const p = parseType(type);
  if (!p.atom) return 'o';
  const a = p.aff;
  if (a === 'f' || a === 'a') return 'f';
  if (a === 'h' || a === 's' || a === 'j' || a === 'k') return 'h';
  if (a === 'n') return 'n';
  if (a === 'u' || a === 'p') return 'u';
  return 'o';
}

/** A human reading of a CoT type, e.g. "friend ground infantry"; the raw type when nothing is known. */
export function typeWords(type) {
  const t = String(type || '');
  const p = parseType(t);
  if (!p.atom) {
    for (const [prefix, words] of OTHER_WORDS) {
      if (t === prefix || t.startsWith(prefix + '-')) return words;
    }
    return t || 'unknown type';
  }
  const words = [AFF_WORDS[p.aff] || p.aff, DIM_WORDS[p.dim] || p.dim];
  for (let n = p.func.length; n > 0; n--) {
    const w = FUNC_WORDS[[p.dim, ...p.func.slice(0, n)].join('-')];
    if (w) {
      words.push(w);
      break;
    }
  }
  if (words.length === 2 && p.func.length) words.push(`(${t})`);
  return words.join(' ');
}
