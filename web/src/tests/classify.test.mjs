// Tests of src/classify.js: which objects the page offers to classify, and
// the identity a CoT type carries.
import test from 'node:test';
import assert from 'node:assert/strict';
import { classifiable, identityOf } from '../classify.js';

test('only the tracker\'s tracks are classified here', () => {
  assert.equal(classifiable({ how: 'm-f', type: 'a-u-G' }), true);
  assert.equal(classifiable({ how: 'm-g', type: 'a-u-G' }), false, 'a field user\'s own report');
  assert.equal(classifiable({ how: 'm-f', type: 'b-m-p-s-m' }), false);
  assert.equal(classifiable(null), false);
});

test('identityOf reads the affiliation letter', () => {
  assert.equal(identityOf('a-s-G'), 'suspect');
  assert.equal(identityOf('a-h-A-M-F'), 'hostile');
  assert.equal(identityOf('a-p-G'), 'pending');
  assert.equal(identityOf('b-t-f'), 'unknown');
  assert.equal(identityOf(undefined), 'unknown');
});
