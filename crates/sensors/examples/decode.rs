//! Prints one JSON object per ASTERIX record (or error) of a recording:
//! `cargo run -p sensors --example decode -- FILE` (raw ASTERIX or pcap).

use std::io::Write;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: decode FILE");
        return std::process::ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.to_string_lossy());
            return std::process::ExitCode::from(1);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for obj in sensors::decode_to_json_lines(&bytes) {
        if writeln!(out, "{obj}").is_err() {
            return std::process::ExitCode::from(1);
        }
    }
    std::process::ExitCode::SUCCESS
}
