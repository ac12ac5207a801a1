//! Where webhook deliveries may go. A merchant names the URL, so without a guard the server
//! would POST to its own network for them (cloud metadata at 169.254.169.254, databases on
//! 10.x, itself on 127.0.0.1). The address is checked when the endpoint is registered and
//! again when each delivery connects, after DNS (a name can be made to resolve anywhere, and
//! to change what it resolves to: DNS rebinding).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use carebox_contract::FieldError;
use reqwest::Url;

/// How far deliveries may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookReach {
    /// Public internet addresses only, over https (production).
    #[default]
    PublicOnly,
    /// Also this machine (`CAREBOX_WEBHOOKS_TO_LOOPBACK=1`), over http too: for development
    /// and for tests, whose receivers listen on loopback. Private networks stay refused.
    AlsoLoopback,
}

impl WebhookReach {
    pub fn allows(self, ip: IpAddr) -> bool {
        is_public(ip) || (self == Self::AlsoLoopback && canonical(ip).is_loopback())
    }
}

/// A registered endpoint's URL, checked: https (http only to loopback when allowed), no
/// credentials in it, and a host that is a name or an address deliveries may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(Url);

const REFUSED: &str = "Webhook URLs are https:// to a public address: not this server, a private network, link-local or multicast.";

impl WebhookUrl {
    pub fn parse(raw: &str, reach: WebhookReach) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let invalid = || FieldError::invalid("url", REFUSED);
        if raw.chars().count() > 2000 {
            return Err(FieldError::invalid("url", "A webhook URL may have up to 2000 characters."));
        }
        let url = Url::parse(raw).map_err(|_| FieldError::invalid("url", "Send a full URL such as https://shop.example/hooks/carebox."))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(FieldError::invalid("url", "Put no credentials in a webhook URL: verify the Carebox-Signature header instead."));
        }
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) if reach.allows(IpAddr::V4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) if reach.allows(IpAddr::V6(ip)) => canonical(IpAddr::V6(ip)).is_loopback(),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let local_name = name == "localhost" || name.ends_with(".localhost");
                if local_name && reach != WebhookReach::AlsoLoopback {
                    return Err(invalid());
                }
                local_name
            }
            _ => return Err(invalid()),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(invalid()),
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The address in the URL itself, if it is one (a client connects to it without asking
    /// DNS, so the resolver's check never sees it).
    pub fn ip_literal(&self) -> Option<IpAddr> {
        match self.0.host()? {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, NAT64 `64:ff9b::a00:1`) is that IPv4
/// address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                return IpAddr::V4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// Whether `ip` is on the public internet: not loopback, private, shared (CGNAT), link-local,
/// multicast, broadcast, unspecified, documentation, benchmarking or reserved space.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(ip) => {
            let [a, b, c, _] = ip.octets();
            !(ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_multicast()
                || ip.is_broadcast()
                || ip.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            !(ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && ip.segments()[1] == 0x0db8)
                || first == 0x2002)
        }
    }
}

/// The deliveries' DNS resolver: only addresses deliveries may reach come back; a name with
/// none fails before any connection.
pub struct GuardedResolver {
    pub reach: WebhookReach,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.reach;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = resolved.into_iter().filter(|address| reach.allows(address.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no public address; refused").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The deliveries' HTTP client: the guarded resolver, no redirects (a public endpoint could
/// send the request on to a private one), a timeout.
pub fn client(reach: WebhookReach, timeout: std::time::Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver { reach }))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_at_registration() {
        for url in [
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/",
            "https://192.168.1.10/hook",
            "https://172.16.0.5/",
            "https://100.64.0.1/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://0.0.0.0/",
            "https://224.0.0.1/",
            "http://127.0.0.1:9/",
            "https://127.0.0.1/",
            "https://localhost/",
            "https://api.localhost./",
            "http://shop.example/hooks",
            "ftp://shop.example/",
            "https://user:pass@shop.example/",
            "https://2130706433/",
            "https://",
            "javascript:alert(1)",
            "https://a b",
        ] {
            assert!(WebhookUrl::parse(url, WebhookReach::PublicOnly).is_err(), "{url} was accepted");
        }
        assert!(WebhookUrl::parse("https://shop.example/hooks/carebox", WebhookReach::PublicOnly).is_ok());
        assert!(WebhookUrl::parse("https://93.184.215.14/hook", WebhookReach::PublicOnly).is_ok());
    }

    #[test]
    fn development_reaches_this_machine_but_never_a_private_network() {
        for url in ["http://127.0.0.1:9/", "http://localhost:8080/hook", "http://[::1]:9/"] {
            assert!(WebhookUrl::parse(url, WebhookReach::AlsoLoopback).is_ok(), "{url}");
        }
        for url in ["https://10.0.0.1/", "https://169.254.169.254/", "http://shop.example/"] {
            assert!(WebhookUrl::parse(url, WebhookReach::AlsoLoopback).is_err(), "{url}");
        }
    }

    /// The connect-time check, on a name that resolves to loopback: refused by the resolver,
    /// so no connection is ever attempted (nothing listens, and nothing is dialled).
    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_before_connecting() {
        use reqwest::dns::Resolve;
        let guard = GuardedResolver { reach: WebhookReach::PublicOnly };
        let refused = guard.resolve("localhost".parse().unwrap()).await.err().expect("localhost refused");
        assert!(refused.to_string().contains("no public address"), "{refused}");
        let development = GuardedResolver { reach: WebhookReach::AlsoLoopback };
        let addresses: Vec<SocketAddr> = development.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(!addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn public_addresses_are_public() {
        assert!(is_public("8.8.8.8".parse().unwrap()));
        assert!(is_public("2606:4700::1111".parse().unwrap()));
        assert!(!is_public("::ffff:192.168.0.1".parse().unwrap()));
    }
}
