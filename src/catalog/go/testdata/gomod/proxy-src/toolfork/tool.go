package tool

// Name comes from the fork that replaces example.com/tool.
func Name() string { return "toolfork" }
