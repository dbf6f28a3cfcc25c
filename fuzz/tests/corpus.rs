//! The fuzz targets on stable: every seed in `corpus/<target>/seed-*`, every crash
//! reproducer in `regressions/<target>/`, and a bounded run of deterministic mutations of
//! the seeds go through the same functions `cargo fuzz` drives.

use std::path::{Path, PathBuf};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("query_model", mcp_fuzz::query_model),
    ("settings", mcp_fuzz::settings),
    ("prometheus_matrix", mcp_fuzz::prometheus_matrix),
];

/// Mutations per seed on stable; `cargo fuzz` does the long runs.
const MUTATIONS_PER_SEED: usize = 400;

fn files(dir: &Path, seeds_only: bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.')
                && name != "README.md"
                && (!seeds_only || name.starts_with("seed-"))
        })
        .collect();
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(target: Target, input: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| target(input)).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[test]
fn every_seed_and_regression_passes() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, target) in TARGETS {
        let seeds = files(&root().join("corpus").join(name), true);
        assert!(!seeds.is_empty(), "no seeds for {name}");
        for path in seeds
            .into_iter()
            .chain(files(&root().join("regressions").join(name), false))
        {
            let input = std::fs::read(&path).unwrap();
            count += 1;
            if let Err(msg) = run(target, &input) {
                failures.push(format!("{}: {msg}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= 20, "only {count} inputs");
}

/// xorshift64*: the same mutations on every run, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"true",
    b"-1",
    b"1e309",
    b"NaN",
    b"\"NaN\"",
    b"\"+Inf\"",
    b"\xff",
    b"\xc3",
    b"\0",
    b"18446744073709551616",
    b"\"\\ud800\"",
    b"0.0000001",
    b"[]",
    b"{}",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at.min(v.len())..end);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                v.splice(at..at, piece.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] = rng.next() as u8;
            }
            3 => v.truncate(at),
            _ => {
                let i = at.min(v.len());
                let dup: Vec<u8> = v[i..(i + rng.below(32)).min(v.len())].to_vec();
                v.splice(i..i, dup);
            }
        }
    }
    v
}

#[test]
fn mutated_seeds_keep_every_invariant() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        for path in files(&root().join("corpus").join(name), true) {
            let seed = std::fs::read(&path).unwrap();
            for _ in 0..MUTATIONS_PER_SEED {
                let input = mutate(&mut rng, &seed);
                if let Err(msg) = run(target, &input) {
                    failures.push(format!("{name} from {}: {msg}: {input:?}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
