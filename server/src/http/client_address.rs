//! Who is calling, for the attempt limits: the TCP peer, or, behind proxies the operator
//! trusts (`CAREBOX_TRUSTED_PROXIES`), the address they say they forwarded for. Without that
//! setting a load balancer's address would be every shopper's, and one shopper's mistakes
//! would throttle the whole shop.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};

use super::AppState;
use crate::ApiError;

/// One `address/prefix` range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a single address.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (address, prefix) = raw.split_once('/').unwrap_or((raw, ""));
        let network: IpAddr = address.parse().map_err(|_| format!("{raw:?} is not an address or address/prefix"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            bits
        } else {
            prefix.parse().ok().filter(|p| *p <= bits).ok_or_else(|| format!("bad prefix in {raw:?}"))?
        };
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, unmapped(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32) == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => masked(u128::from(net), self.prefix, 128) == masked(u128::from(ip), self.prefix, 128),
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    let host_bits = u32::from(width - prefix);
    if host_bits >= 128 { 0 } else { bits >> host_bits << host_bits }
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// `CAREBOX_TRUSTED_PROXIES`: the ranges whose `X-Forwarded-For` / `Forwarded` are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// A comma-separated list of ranges (`10.0.0.0/8, 2001:db8::/32`); empty: trust none.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',').filter(|part| !part.trim().is_empty()).map(IpRange::parse).collect::<Result<_, _>>().map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client: the right-most address of the forwarding chain that is not a trusted proxy,
    /// when the peer is one; else the peer. A chain that is all proxies ends at its left-most.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut chain = forwarded_chain(headers);
        let mut client = peer;
        while let Some(hop) = chain.pop() {
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// Addresses the proxies appended, left (the first hop) to right: `Forwarded: for=…` when
/// present (RFC 7239), else `X-Forwarded-For`. Unparsable entries (`unknown`, obfuscated
/// names) end the chain there.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    let forwarded = values("forwarded");
    let entries: Vec<String> = if forwarded.is_empty() {
        values("x-forwarded-for").split(',').map(|e| e.trim().to_owned()).collect()
    } else {
        forwarded
            .split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"').to_owned())
                })
            })
            .collect()
    };
    let mut chain = Vec::new();
    for entry in entries {
        match parse_node(&entry) {
            Some(ip) => chain.push(ip),
            None => chain.clear(),
        }
    }
    chain
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    node.strip_prefix('[').and_then(|rest| rest.split_once(']')).and_then(|(ip, _)| ip.parse().ok())
}

/// The limiter's key for a client: the address, or for IPv6 its /64 (one home or phone gets
/// a whole /64 and can pick any address in it).
pub fn limit_key(ip: IpAddr) -> String {
    match unmapped(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = Ipv6Addr::from(masked(u128::from(v6), 64, 128));
            format!("{network}/64")
        }
    }
}

/// The calling client's limiter key (see [`TrustedProxies::client`] and [`limit_key`]).
pub struct ClientKey(pub String);

impl FromRequestParts<AppState> for ClientKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip())
            .ok_or_else(|| ApiError::internal("no peer address (the server must be served with connect info)"))?;
        Ok(Self(limit_key(state.trusted_proxies.client(peer, &parts.headers))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("203.0.113.9"), &headers(&[("x-forwarded-for", "198.51.100.1")])), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 2001:db8:ffff::/48").unwrap();
        // The client can put anything on the left; only what the proxies appended counts.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.1.1.1")]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &spoofed), ip("198.51.100.7"));
        let forwarded = headers(&[("forwarded", "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"")]);
        assert_eq!(proxies.client(ip("2001:db8:ffff::1"), &forwarded), ip("2001:db8:cafe::17"));
        assert_eq!(proxies.client(ip("10.0.0.2"), &headers(&[])), ip("10.0.0.2"), "no header: the proxy itself");
        let untrusted_peer = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(proxies.client(ip("203.0.113.5"), &untrusted_peer), ip("203.0.113.5"), "a stranger's header is ignored");
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("::ffff:198.51.100.7")), "198.51.100.7");
    }

    #[test]
    fn ranges_parse_and_match() {
        assert!(IpRange::parse("10.0.0.0/8").unwrap().contains(ip("10.255.0.1")));
        assert!(!IpRange::parse("10.0.0.0/8").unwrap().contains(ip("11.0.0.1")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpRange::parse("192.0.2.1").unwrap().contains(ip("192.0.2.1")));
        assert!(IpRange::parse("10.0.0.0/33").is_err() && IpRange::parse("nope").is_err());
    }
}
