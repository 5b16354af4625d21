//! The `prongsai` command: the server and the administrator's tools in one binary.

fn main() {
    println!("prongsai {}", env!("CARGO_PKG_VERSION"));
}
