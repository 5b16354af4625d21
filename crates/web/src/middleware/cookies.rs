//! Reading the `Cookie` header and writing `Set-Cookie` values, without a cookie crate.

use axum::http::{HeaderMap, HeaderValue, header};

/// The value of the first cookie called `name`.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// How a cookie is set.
#[derive(Debug, Clone, Copy)]
pub struct CookieOpts {
    /// Seconds to live; `None` for a browser-session cookie, `Some(0)` deletes it.
    pub max_age: Option<i64>,
    pub http_only: bool,
    pub secure: bool,
}

/// A `Set-Cookie` value: always `Path=/` and `SameSite=Lax`.
pub fn set(name: &str, value: &str, o: CookieOpts) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = o.max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if o.http_only {
        s.push_str("; HttpOnly");
    }
    if o.secure {
        s.push_str("; Secure");
    }
    // Values are our own tokens and codes (URL-safe), so this cannot fail; fall back
    // to an expired empty cookie rather than panic.
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; prongsai_lang=en"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(get(&h, "prongsai_lang").as_deref(), Some("en"));
        assert_eq!(get(&h, "b").as_deref(), Some("2"));
        assert_eq!(get(&h, "c"), None);
    }
}
