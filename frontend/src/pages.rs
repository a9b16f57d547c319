//! One component per route; pages own data loading and hand data to [`crate::components`].

pub mod consultation_page;
pub mod home_page;
pub mod login_page;
pub mod not_found_page;
