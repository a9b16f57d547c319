//! Login rate limits (the `governor` crate): per client address and per account. Every call of the
//! `login` field counts, so a request that aliases `login` many times is limited like many requests.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Per-address and per-account login limiters.
#[derive(Debug)]
pub struct LoginLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

/// Limits in force.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Attempts per minute from one address (burst of the same size).
    pub per_ip_per_minute: u32,
    /// Attempts per 15 minutes for one account (burst of the same size).
    pub per_account_per_15_minutes: u32,
}

impl LoginLimiter {
    /// Builds the limiters (limits of 0 are raised to 1).
    pub fn new(limits: LoginLimits) -> Self {
        let ip = NonZeroU32::new(limits.per_ip_per_minute).unwrap_or(NonZeroU32::MIN);
        let account = NonZeroU32::new(limits.per_account_per_15_minutes).unwrap_or(NonZeroU32::MIN);
        let account_period = Duration::from_secs(15 * 60) / account.get();
        let account_quota = Quota::with_period(account_period)
            .unwrap_or_else(|| Quota::per_minute(account))
            .allow_burst(account);
        Self {
            per_ip: RateLimiter::keyed(Quota::per_minute(ip)),
            per_account: RateLimiter::keyed(account_quota),
        }
    }

    /// Counts one attempt; `Err(wait)` when either limit is exhausted.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), Duration> {
        let clock = DefaultClock::default();
        let ip_result = self.per_ip.check_key(&ip);
        let account_result = self.per_account.check_key(&account.to_owned());
        let wait = [ip_result.err(), account_result.err()]
            .into_iter()
            .flatten()
            .map(|not_until| not_until.wait_time_from(clock.now()))
            .max();
        match wait {
            Some(wait) => Err(wait.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    /// Forgets idle keys so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_account.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_limited_across_addresses_and_an_address_across_accounts() {
        let limiter = LoginLimiter::new(LoginLimits {
            per_ip_per_minute: 5,
            per_account_per_15_minutes: 3,
        });
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(limiter.check(a, "kim@example.com").is_ok());
        assert!(limiter.check(b, "kim@example.com").is_ok());
        assert!(limiter.check(a, "kim@example.com").is_ok());
        assert!(
            limiter.check(b, "kim@example.com").is_err(),
            "fourth try on one account"
        );
        assert!(limiter.check(a, "lee@example.com").is_ok());
        assert!(limiter.check(a, "park@example.com").is_ok());
        assert!(
            limiter.check(a, "jung@example.com").is_ok(),
            "fifth try from one address"
        );
        let wait = limiter.check(a, "choi@example.com");
        assert!(wait.is_err(), "sixth try from one address");
        assert!(wait.err().is_some_and(|w| w >= Duration::from_secs(1)));
    }
}
