//! The visitor's country, for channel rules and the visitor panel: from a
//! trusted proxy's header
//! (`PARLOR_COUNTRY_HEADER`, such as Cloudflare's `CF-IPCountry`), else from
//! a MaxMind-format database (`PARLOR_GEOIP_DB`, such as GeoLite2 Country)
//! looked up with the client's address (also what uploads are limited by).
//! Unknown is `None`: a rule that names countries then does not match.

use axum::http::{HeaderMap, HeaderName};
use parlor_domain::CountryCode;
use std::net::IpAddr;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("cannot open the GeoIP database {path}: {source}")]
    Open {
        path: String,
        source: maxminddb::MaxMindDbError,
    },
}

#[derive(Default)]
pub struct Geo {
    db: Option<maxminddb::Reader<Vec<u8>>>,
    country_header: Option<HeaderName>,
    /// Where a reverse proxy puts the client's address (`X-Real-IP`); only
    /// set it behind a proxy that overwrites it.
    client_ip_header: Option<HeaderName>,
}

impl Geo {
    pub fn new(
        db: Option<&Path>,
        country_header: Option<HeaderName>,
        client_ip_header: Option<HeaderName>,
    ) -> Result<Self, GeoError> {
        let db = db
            .map(|path| {
                maxminddb::Reader::open_readfile(path).map_err(|source| GeoError::Open {
                    path: path.display().to_string(),
                    source,
                })
            })
            .transpose()?;
        Ok(Self {
            db,
            country_header,
            client_ip_header,
        })
    }

    pub fn country(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<CountryCode> {
        if let Some(name) = &self.country_header {
            if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
                return CountryCode::parse(value);
            }
        }
        let ip = self.client_ip(headers, peer)?;
        let result = self.db.as_ref()?.lookup(ip).ok()?;
        let found: maxminddb::geoip2::Country = result.decode().ok()??;
        CountryCode::parse(found.country.iso_code?)
    }
}

/// The peer's address, which `serve` records for every connection.
pub fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

impl Geo {
    /// The client's address: from the trusted proxy's header when one is
    /// configured, else the peer's.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
        match &self.client_ip_header {
            // The last address is the one our proxy added; earlier ones are
            // whatever the client claimed.
            Some(name) => headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse().ok()),
            None => peer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn a_trusted_header_names_the_country() {
        let geo = Geo::new(None, Some(HeaderName::from_static("cf-ipcountry")), None).unwrap();
        assert_eq!(
            geo.country(&with("CF-IPCountry", "de"), None),
            CountryCode::parse("DE")
        );
        assert_eq!(geo.country(&with("CF-IPCountry", "XX"), None), None);
        assert_eq!(geo.country(&HeaderMap::new(), None), None);
    }

    #[test]
    fn without_configuration_the_country_is_unknown() {
        let geo = Geo::default();
        assert_eq!(geo.country(&with("CF-IPCountry", "DE"), None), None);
        assert_eq!(geo.country(&HeaderMap::new(), "1.2.3.4".parse().ok()), None);
    }
}
