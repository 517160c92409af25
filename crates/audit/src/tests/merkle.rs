//! The tree against an independent implementation of RFC 6962 §2.1 written here from the
//! definitions (recursion over slices, sha2 directly), and the CT test vectors.

use sha2::{Digest, Sha256};

use crate::merkle::{empty_root, leaf_hash, verify_consistency, verify_inclusion, Hash, Tree};

fn h(parts: &[&[u8]]) -> Hash {
    let mut d = Sha256::new();
    for p in parts {
        d.update(p);
    }
    d.finalize().into()
}

fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH by the recursive definition.
pub(super) fn mth(d: &[Vec<u8>]) -> Hash {
    match d.len() {
        0 => h(&[]),
        1 => h(&[&[0], &d[0]]),
        n => {
            let k = k_of(n);
            h(&[&[1], &mth(&d[..k]), &mth(&d[k..])])
        }
    }
}

/// PATH(m, D[n]).
fn path(m: usize, d: &[Vec<u8>]) -> Vec<Hash> {
    let n = d.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = k_of(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(d)] };
    }
    let k = k_of(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

pub(super) fn data(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("leaf {i} {}", i * 7919).into_bytes())
        .collect()
}

pub(super) fn tree_of(d: &[Vec<u8>]) -> Tree {
    let mut t = Tree::new();
    for x in d {
        t.push(leaf_hash(x));
    }
    t
}

fn hex32(s: &str) -> Hash {
    let v = hex::decode(s).unwrap_or_default();
    v.try_into().unwrap_or([0; 32])
}

#[test]
fn ct_test_vectors() {
    // The inputs and roots of the certificate-transparency test suite.
    let leaves: Vec<Vec<u8>> = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|x| hex::decode(x).unwrap_or_default())
    .collect();
    let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let t = tree_of(&leaves);
    for (i, r) in roots.iter().enumerate() {
        assert_eq!(t.root_at(i as u64 + 1), Ok(hex32(r)), "size {}", i + 1);
        assert_eq!(mth(&leaves[..=i]), hex32(r));
    }
    assert_eq!(
        empty_root(),
        hex32("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(Tree::new().root(), empty_root());
}

#[test]
fn roots_match_the_definition_for_every_size_to_300() {
    let d = data(300);
    let t = tree_of(&d);
    for m in 0..=300 {
        assert_eq!(t.root_at(m as u64), Ok(mth(&d[..m])), "size {m}");
    }
    // The incremental root while growing is the same as the root of a prefix.
    let mut grow = Tree::new();
    for (i, x) in d.iter().enumerate() {
        grow.push(leaf_hash(x));
        assert_eq!(grow.root(), mth(&d[..=i]));
    }
}

#[test]
fn inclusion_proofs_match_the_definition_and_verify() {
    let d = data(300);
    let t = tree_of(&d);
    for n in 1..=300usize {
        let root = mth(&d[..n]);
        for m in 0..n {
            let proof = t.inclusion_proof(m as u64, n as u64).unwrap_or_default();
            if n <= 80 || m % 17 == 0 {
                assert_eq!(proof, path(m, &d[..n]), "PATH({m}, {n})");
            }
            let leaf = leaf_hash(&d[m]);
            assert_eq!(
                verify_inclusion(&leaf, m as u64, n as u64, &proof, &root),
                Ok(())
            );
        }
    }
}

#[test]
fn consistency_proofs_match_the_definition_for_all_pairs_to_64() {
    let d = data(64);
    let t = tree_of(&d);
    for n in 1..=64usize {
        for m in 1..=n {
            let proof = t.consistency_proof(m as u64, n as u64).unwrap_or_default();
            let want = if m == n {
                Vec::new()
            } else {
                subproof(m, &d[..n], true)
            };
            assert_eq!(proof, want, "PROOF({m}, {n})");
            let (r1, r2) = (mth(&d[..m]), mth(&d[..n]));
            assert_eq!(
                verify_consistency(m as u64, n as u64, &r1, &r2, &proof),
                Ok(())
            );
        }
    }
}

#[test]
fn consistency_proofs_verify_for_larger_trees() {
    let d = data(300);
    let t = tree_of(&d);
    for (m, n) in [
        (1, 300),
        (2, 300),
        (127, 128),
        (128, 129),
        (129, 300),
        (255, 256),
        (299, 300),
        (100, 257),
    ] {
        let proof = t.consistency_proof(m, n).unwrap_or_default();
        let (r1, r2) = (mth(&d[..m as usize]), mth(&d[..n as usize]));
        assert_eq!(
            verify_consistency(m, n, &r1, &r2, &proof),
            Ok(()),
            "{m}->{n}"
        );
    }
    // From the empty tree and to the same size: nothing to prove, roots must still agree.
    let r = t.root();
    assert_eq!(verify_consistency(0, 300, &empty_root(), &r, &[]), Ok(()));
    assert_eq!(verify_consistency(300, 300, &r, &r, &[]), Ok(()));
    assert!(verify_consistency(300, 300, &r, &empty_root(), &[]).is_err());
    assert!(verify_consistency(0, 300, &r, &r, &[]).is_err());
    assert!(verify_consistency(300, 300, &r, &r, &[r]).is_err());
}

#[test]
fn bad_arguments_are_errors() {
    let t = tree_of(&data(10));
    assert!(t.inclusion_proof(10, 10).is_err());
    assert!(t.inclusion_proof(0, 11).is_err());
    assert!(t.consistency_proof(5, 4).is_err());
    assert!(t.consistency_proof(5, 11).is_err());
    assert!(t.root_at(11).is_err());
    let root = t.root();
    assert!(verify_inclusion(&root, 0, 0, &[], &root).is_err());
    assert!(verify_consistency(5, 4, &root, &root, &[]).is_err());
}
