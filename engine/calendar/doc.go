// Package calendar knows when the New York Stock Exchange trades: regular
// hours (9:30 to 16:00 America/New_York), the exchange's holidays, ad-hoc
// closures and 13:00 early closes.
//
// It is pure: it never reads the clock (callers pass the time), never does
// I/O beyond loading the New York zone once, and never needs the host's zone
// database (the tz data is embedded). Its rules are the exchange's current
// ones; dates before 2022 follow the same rules, which NYSE has not always
// applied.
package calendar
