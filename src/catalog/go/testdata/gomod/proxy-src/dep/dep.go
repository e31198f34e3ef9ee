package dep

// Name is served from a file:// module proxy made by the test.
func Name() string { return "dep" }
