// Package config loads robotui's settings: built-in defaults, overlaid by a TOML file, then by
// ROBOTUI_<SECTION>_<KEY> environment variables, then by command-line flags (applied by the
// caller through [Config.Set]), and validates the result. Every error names where the bad value
// came from (file and line, variable, or flag), the key, and what is expected.
//
// It must never act on the configuration (no dialing, no listening, no writing files) and never
// read the process environment or flags behind the caller's back: everything comes in as
// arguments so that tests and `robotui config check` see exactly what main sees.
package config
