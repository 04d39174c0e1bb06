//! `#rrggbb` colours as typed values, so a bad colour can't reach storage or CSS.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A colour in the 6-digit hex form `#rrggbb`, stored in lower case. Only this
/// form is accepted: it is what `<input type="color">` produces and it can be
/// put into CSS without escaping.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HexColor(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexColorError;

impl fmt::Display for HexColorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("must be a colour like #1a2b3c")
    }
}

impl std::error::Error for HexColorError {}

impl HexColor {
    /// Infallible constructor, used for built-in defaults.
    pub fn from_rgb(r: u8, g: u8, b: u8) -> Self {
        HexColor(format!("#{r:02x}{g:02x}{b:02x}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for HexColor {
    type Err = HexColorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s.strip_prefix('#').ok_or(HexColorError)?;
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(HexColor(format!("#{}", digits.to_ascii_lowercase())))
        } else {
            Err(HexColorError)
        }
    }
}

impl TryFrom<String> for HexColor {
    type Error = HexColorError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<HexColor> for String {
    fn from(c: HexColor) -> Self {
        c.0
    }
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_six_digit_hex_and_normalises_case() {
        let c: HexColor = " #A1b2C3 ".parse().unwrap();
        assert_eq!(c.as_str(), "#a1b2c3");
    }

    #[test]
    fn from_rgb_formats_two_digits_each() {
        assert_eq!(HexColor::from_rgb(1, 0xab, 255).as_str(), "#01abff");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", "#", "a1b2c3", "#abc", "#abcdefg", "#ggg000", "red", "#12345", "#1234567",
            "#12 456",
        ] {
            assert!(bad.parse::<HexColor>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<HexColor>("\"#00ff00\"").is_ok());
        assert!(serde_json::from_str::<HexColor>("\"red;}body{\"").is_err());
    }
}
