//! Running the `scaleboard` binary from the repository root, shared by the CLI's test files.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn scaleboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scaleboard"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
