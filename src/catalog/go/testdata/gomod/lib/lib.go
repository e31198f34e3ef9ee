package lib

// Hello is linked into the test binary through a local replace directive.
func Hello() string { return "hello" }
