//! Login rate limits (the `governor` crate), shaped so that one person's mistakes or an attacker
//! cannot lock a whole office out (an office, or everyone behind a reverse proxy, shares one
//! address):
//!
//! * per (address, account): a few attempts a minute, so guessing one account from one place is
//!   slow while colleagues at the same address are unaffected;
//! * per account, from anywhere: attempts per 15 minutes, so guessing from many addresses is slow
//!   too;
//! * per address, for accounts that do not exist only: spraying unknown e-mail addresses from one
//!   place is limited without touching the people who sign in to real accounts there.
//!
//! Every call of the `login` field counts, so a request that aliases `login` many times is limited
//! like many requests.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter};

/// The login limiters.
#[derive(Debug)]
pub struct LoginLimiter {
    per_pair: DefaultKeyedRateLimiter<(IpAddr, String)>,
    per_account: DefaultKeyedRateLimiter<String>,
    unknown_per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

/// Limits in force.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Attempts per minute on one account from one address (burst of the same size).
    pub per_address_and_account_per_minute: u32,
    /// Attempts per 15 minutes on one account from any address (burst of the same size).
    pub per_account_per_15_minutes: u32,
    /// Attempts per minute on accounts that do not exist, from one address.
    pub unknown_accounts_per_ip_per_minute: u32,
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// How long until `result`'s key may try again, at least a second.
fn wait_of(result: Result<(), NotUntil<governor::clock::QuantaInstant>>) -> Option<Duration> {
    result.err().map(|not_until| {
        not_until
            .wait_time_from(DefaultClock::default().now())
            .max(Duration::from_secs(1))
    })
}

impl LoginLimiter {
    /// Builds the limiters (limits of 0 are raised to 1).
    pub fn new(limits: LoginLimits) -> Self {
        let account = at_least_one(limits.per_account_per_15_minutes);
        let account_quota = Quota::with_period(Duration::from_secs(15 * 60) / account.get())
            .unwrap_or_else(|| Quota::per_minute(account))
            .allow_burst(account);
        Self {
            per_pair: RateLimiter::keyed(Quota::per_minute(at_least_one(
                limits.per_address_and_account_per_minute,
            ))),
            per_account: RateLimiter::keyed(account_quota),
            unknown_per_ip: RateLimiter::keyed(Quota::per_minute(at_least_one(
                limits.unknown_accounts_per_ip_per_minute,
            ))),
        }
    }

    /// Counts one attempt on `account` from `ip`; `Err(wait)` when the pair's or the account's
    /// budget is spent.
    pub fn check(&self, ip: IpAddr, account: &str) -> Result<(), Duration> {
        let pair = wait_of(self.per_pair.check_key(&(ip, account.to_owned())));
        let account = wait_of(self.per_account.check_key(&account.to_owned()));
        match pair.into_iter().chain(account).max() {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Counts one attempt on an account that does not exist, from `ip`; `Err(wait)` when the
    /// address has tried too many.
    pub fn check_unknown(&self, ip: IpAddr) -> Result<(), Duration> {
        match wait_of(self.unknown_per_ip.check_key(&ip)) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Forgets idle keys so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_pair.retain_recent();
        self.per_account.retain_recent();
        self.unknown_per_ip.retain_recent();
        self.per_pair.shrink_to_fit();
        self.per_account.shrink_to_fit();
        self.unknown_per_ip.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginLimits {
            per_address_and_account_per_minute: 3,
            per_account_per_15_minutes: 5,
            unknown_accounts_per_ip_per_minute: 4,
        })
    }

    #[test]
    fn one_account_is_limited_from_one_address_and_from_everywhere() {
        let limiter = limiter();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(limiter.check(a, "kim@example.com").is_ok());
        }
        let wait = limiter.check(a, "kim@example.com");
        assert!(
            wait.is_err_and(|w| w >= Duration::from_secs(1)),
            "fourth try from a"
        );
        assert!(limiter.check(b, "kim@example.com").is_ok());
        assert!(
            limiter.check(b, "kim@example.com").is_err(),
            "sixth try on the account"
        );
    }

    #[test]
    fn failures_on_one_account_never_lock_out_a_colleague_at_the_same_address() {
        let limiter = limiter();
        let office: IpAddr = [192, 168, 0, 10].into();
        for _ in 0..20 {
            let _ = limiter.check(office, "kim@example.com");
        }
        assert!(limiter.check(office, "lee@example.com").is_ok());
    }

    #[test]
    fn unknown_accounts_spend_the_addresses_budget_and_nothing_else() {
        let limiter = limiter();
        let a: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..4 {
            assert!(limiter.check_unknown(a).is_ok());
        }
        assert!(limiter.check_unknown(a).is_err());
        assert!(limiter.check_unknown([10, 0, 0, 2].into()).is_ok());
        assert!(limiter.check(a, "lee@example.com").is_ok());
    }
}
