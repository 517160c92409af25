//! Proofs are checked whole: every changed byte, a missing or an extra element, a wrong
//! index, size or root is refused. Property tests over random trees.

use proptest::prelude::*;

use super::merkle::{data, mth, tree_of};
use crate::merkle::{leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash};

fn flipped_variants(proof: &[Hash]) -> Vec<Vec<Hash>> {
    let mut out = Vec::new();
    for i in 0..proof.len() {
        for byte in 0..32 {
            let mut p = proof.to_vec();
            p[i][byte] ^= 0x01;
            out.push(p);
        }
    }
    out
}

fn shape_variants(proof: &[Hash], filler: Hash) -> Vec<Vec<Hash>> {
    let mut out = Vec::new();
    if !proof.is_empty() {
        out.push(proof[..proof.len() - 1].to_vec());
        out.push(proof[1..].to_vec());
        let mut swapped = proof.to_vec();
        swapped.reverse();
        if swapped != proof {
            out.push(swapped);
        }
    }
    let mut longer = proof.to_vec();
    longer.push(filler);
    out.push(longer);
    let mut front = vec![filler];
    front.extend_from_slice(proof);
    out.push(front);
    out
}

#[test]
fn every_flipped_byte_of_an_inclusion_proof_fails() {
    let d = data(77);
    let t = tree_of(&d);
    for n in [1u64, 2, 3, 7, 8, 9, 31, 64, 77] {
        let root = t.root_at(n).unwrap();
        for m in 0..n {
            let leaf = leaf_hash(&d[m as usize]);
            let proof = t.inclusion_proof(m, n).unwrap();
            for bad in flipped_variants(&proof) {
                assert!(verify_inclusion(&leaf, m, n, &bad, &root).is_err());
            }
            for bad in shape_variants(&proof, root) {
                assert!(
                    verify_inclusion(&leaf, m, n, &bad, &root).is_err(),
                    "shape {m}/{n}"
                );
            }
            let mut other_leaf = leaf;
            other_leaf[0] ^= 0x80;
            assert!(verify_inclusion(&other_leaf, m, n, &proof, &root).is_err());
            if n > 1 {
                let other = (m + 1) % n;
                assert!(verify_inclusion(&leaf, other, n, &proof, &root).is_err());
            }
            assert!(verify_inclusion(&leaf, n, n, &proof, &root).is_err());
        }
    }
}

#[test]
fn every_flipped_byte_of_a_consistency_proof_fails() {
    let d = data(40);
    let t = tree_of(&d);
    for n in 2..=40u64 {
        for m in 1..n {
            let (r1, r2) = (t.root_at(m).unwrap(), t.root_at(n).unwrap());
            let proof = t.consistency_proof(m, n).unwrap();
            for bad in flipped_variants(&proof) {
                assert!(
                    verify_consistency(m, n, &r1, &r2, &bad).is_err(),
                    "flip {m}->{n}"
                );
            }
            for bad in shape_variants(&proof, r2) {
                assert!(
                    verify_consistency(m, n, &r1, &r2, &bad).is_err(),
                    "shape {m}->{n}"
                );
            }
            let mut w1 = r1;
            w1[31] ^= 1;
            let mut w2 = r2;
            w2[0] ^= 1;
            assert!(verify_consistency(m, n, &w1, &r2, &proof).is_err());
            assert!(verify_consistency(m, n, &r1, &w2, &proof).is_err());
            assert!(verify_consistency(m, n, &r2, &r1, &proof).is_err());
        }
    }
}

#[test]
fn a_forked_history_has_no_consistency_proof() {
    // The same first 20 leaves, then two different tails: the old root of one is not a
    // prefix of the other, whatever proof is offered.
    let mut a = data(30);
    let t_a = tree_of(&a);
    a[25] = b"rewritten".to_vec();
    let t_b = tree_of(&a);
    let proof = t_b.consistency_proof(26, 30).unwrap();
    assert!(verify_consistency(26, 30, &t_a.root_at(26).unwrap(), &t_b.root(), &proof).is_err());
    let proof = t_a.consistency_proof(20, 30).unwrap();
    assert_eq!(
        verify_consistency(20, 30, &t_a.root_at(20).unwrap(), &t_a.root(), &proof),
        Ok(())
    );
    assert!(verify_consistency(20, 30, &t_a.root_at(20).unwrap(), &t_b.root(), &proof).is_err());
}

#[test]
fn a_node_is_not_accepted_as_a_leaf() {
    // Second preimage: an interior node offered as a leaf of a smaller tree.
    let d = data(4);
    let t = tree_of(&d);
    let l01 = node_hash(&leaf_hash(&d[0]), &leaf_hash(&d[1]));
    let l23 = node_hash(&leaf_hash(&d[2]), &leaf_hash(&d[3]));
    assert_eq!(node_hash(&l01, &l23), t.root());
    assert!(verify_inclusion(&leaf_hash(&l01), 0, 2, &[l23], &t.root()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn proofs_hold_for_random_trees(n in 1usize..200, chunks in prop::collection::vec(1usize..40, 1..8)) {
        let d = data(n);
        let mut t = crate::merkle::Tree::new();
        // Append in uneven chunks, checking the root after each one.
        let mut at = 0;
        for c in chunks.iter().cycle() {
            if at == n { break; }
            let end = (at + c).min(n);
            for x in &d[at..end] { t.push(leaf_hash(x)); }
            at = end;
            prop_assert_eq!(t.root(), mth(&d[..at]));
        }
        let root = t.root();
        let mut other = root;
        other[7] ^= 0x10;
        for m in 0..n as u64 {
            let leaf = leaf_hash(&d[m as usize]);
            let proof = t.inclusion_proof(m, n as u64).unwrap();
            prop_assert!(verify_inclusion(&leaf, m, n as u64, &proof, &root).is_ok());
            prop_assert!(verify_inclusion(&leaf, m, n as u64, &proof, &other).is_err());
            if n > 1 {
                let smaller = t.root_at(n as u64 - 1).unwrap();
                prop_assert!(verify_inclusion(&leaf, m, n as u64, &proof, &smaller).is_err());
            }
        }
        for m in 0..=n as u64 {
            let old = t.root_at(m).unwrap();
            let proof = t.consistency_proof(m, n as u64).unwrap();
            prop_assert!(verify_consistency(m, n as u64, &old, &root, &proof).is_ok());
            if m > 0 && (m as usize) < n {
                prop_assert!(verify_consistency(m, n as u64, &old, &other, &proof).is_err());
            }
        }
    }
}
