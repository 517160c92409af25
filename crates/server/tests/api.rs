//! Integration tests of the server over real loopback sockets. One test
//! binary with many modules keeps link time down.

mod api {
    pub(crate) mod util;

    mod bad_input;
    mod basemap;
    mod classify;
    mod flows;
    mod openapi;
    mod ops;
    mod routing;
    mod sensor_status;
    mod sensors;
    mod store;
    mod suspenses;
    mod tls;
    mod web;
    mod web_login;
}
