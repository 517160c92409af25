// Tests of the range-ring input of src/tools.js: what reads, in what order,
// and the one-line reasons for what does not.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseRings } from '../tools.js';

test('parseRings: km to metres, sorted, repeats dropped', () => {
  assert.deepEqual(parseRings('5, 1 2.5'), { metres: [1000, 2500, 5000] });
  assert.deepEqual(parseRings('2;2'), { metres: [2000] });
});

test('parseRings: what does not read says why', () => {
  assert.equal(parseRings('').error, 'give one or more distances in km');
  assert.equal(parseRings('1, x').error, 'not a range in km (0 to 500): x');
  assert.equal(parseRings('0').error, 'not a range in km (0 to 500): 0');
  assert.equal(parseRings('501').error, 'not a range in km (0 to 500): 501');
  assert.equal(parseRings('1 2 3 4 5 6 7 8 9 10 11').error, 'at most 10 rings');
});
