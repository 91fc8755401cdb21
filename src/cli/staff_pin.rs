//! `kiosk staff-pin`: hash a staff PIN read from standard input.

use anyhow::{Context, Result};

pub fn run() -> Result<()> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .context("cannot read the PIN from standard input")?;
    let hash = kiosk::staff_pin::hash_pin(pin.trim())?;
    println!("staff_pin_hash = \"{hash}\"");
    Ok(())
}
